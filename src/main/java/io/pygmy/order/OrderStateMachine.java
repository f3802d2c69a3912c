package io.pygmy.order;

import io.pygmy.http.Json;
import io.pygmy.raft.StoreStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Function;

/** The order service's Ratis state machine: a thin adapter around {@link OrderLog}. */
public final class OrderStateMachine extends StoreStateMachine {
  private final long maxOrders;
  private OrderLog log;

  public OrderStateMachine(long maxOrders) {
    this.maxOrders = maxOrders;
    this.log = new OrderLog(maxOrders);
  }

  @Override
  protected Optional<byte[]> rejectBeforeLogging(byte[] command) {
    // Malformed commands are refused before logging; valid ones always apply.
    return OrderLog.validate(Json.read(command, OrderCommand.class))
        .map(why -> Json.bytes(new OrderReply(OrderReply.Outcome.INVALID, why, null, false)));
  }

  @Override
  protected Applied applyCommand(byte[] command, long index) {
    return Applied.now(Json.bytes(log.apply(Json.read(command, OrderCommand.class))));
  }

  @Override
  protected byte[] answer(byte[] query, long version) {
    return Json.bytes(OrderQuery.answer(log, Json.read(query, OrderQuery.class), version));
  }

  @Override
  protected Object snapshotState() {
    return log.snapshot();
  }

  @Override
  protected void restoreState(InputStream snapshotJsonOrNull) throws IOException {
    log = snapshotJsonOrNull == null ? new OrderLog(maxOrders)
        : OrderLog.restore(Json.MAPPER.readValue(snapshotJsonOrNull, OrderLog.Snapshot.class), maxOrders);
  }

  /** A consistent local read (not linearizable): status, metrics, and the coordinator's fast path. */
  public <T> T inspect(Function<OrderLog, T> read) {
    return withReadLock(() -> read.apply(log));
  }
}
