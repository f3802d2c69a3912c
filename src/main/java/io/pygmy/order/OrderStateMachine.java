package io.pygmy.order;

import io.pygmy.http.Json;
import io.pygmy.raft.CheckpointSource;
import io.pygmy.raft.StoreStateMachine;
import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.StagedWrites;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The order service's Ratis state machine: a thin adapter around {@link OrderLog}. */
public final class OrderStateMachine extends StoreStateMachine {
  private final OrderLog log;

  public OrderStateMachine(long keyRetentionMillis, StoreFactory stores, CheckpointSource checkpoints,
                           long snapshotEveryLogBytes) {
    super(stores, checkpoints, snapshotEveryLogBytes);
    this.log = new OrderLog(keyRetentionMillis);
  }

  @Override
  protected Optional<byte[]> rejectBeforeLogging(KeyValues state, byte[] command) {
    // Malformed commands are refused before logging; valid ones always apply.
    return OrderLog.validate(Json.read(command, OrderCommand.class))
        .map(why -> Json.bytes(new OrderReply(OrderReply.Outcome.INVALID, why, null, false)));
  }

  @Override
  protected Applied applyCommand(StagedWrites batch, byte[] command, long index) {
    return Applied.now(Json.bytes(log.apply(batch, Json.read(command, OrderCommand.class))));
  }

  @Override
  protected byte[] refusedReply(String why) {
    return Json.bytes(new OrderReply(OrderReply.Outcome.INVALID, why, null, false));
  }

  @Override
  protected byte[] answer(KeyValues state, byte[] query, long version) {
    return Json.bytes(OrderQuery.answer(log, state, Json.read(query, OrderQuery.class), version));
  }

  @Override
  protected void importLegacySnapshot(InputStream json, KeyValueStore store) throws IOException {
    LegacyOrderImport.run(json, store, log);
  }

  @Override
  protected List<String> verify(KeyValues state) {
    return log.verify(state);
  }

  public OrderLog log() {
    return log;
  }

  /** A consistent local read (not linearizable): status, metrics, and the coordinator's fast path. */
  public <T> T inspect(Function<KeyValues, T> read) {
    return read(read);
  }
}
