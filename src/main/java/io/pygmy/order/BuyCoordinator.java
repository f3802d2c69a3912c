package io.pygmy.order;

import io.pygmy.catalog.CatalogCommand;
import io.pygmy.catalog.CatalogNode;
import io.pygmy.catalog.CatalogReply;
import io.pygmy.catalog.Reservation;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.Json;
import io.pygmy.raft.RaftCalls;
import io.pygmy.raft.RaftReplica;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one buy: reserve the stock in the catalog group (the check and the decrement are one committed
 * command), then record the order in the order group. Two sequential commits, each idempotent by the
 * buy's key, so a buy retried after any failure, on any order replica, returns the first outcome.
 * If this process dies between the two, the order leader's {@link Reconciler} records the order.
 */
public final class BuyCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(BuyCoordinator.class);

  private final Settings settings;
  private final RaftClient catalog;
  private final RaftClient orders;
  private final RaftReplica orderReplica;
  private final OrderStateMachine localLog;
  private final Semaphore slots;

  /** The order and how long the catalog commit took, for Server-Timing. */
  public record Outcome(Order order, long catalogNanos, boolean replayed) {}

  /**
   * @param orderReplica this node's order replica: when it leads, orders are recorded through it directly
   *     (the frontend sends buys to the order leader first, so that is the common case)
   */
  public BuyCoordinator(Settings settings, RaftClient catalog, RaftClient orders, RaftReplica orderReplica,
                        OrderStateMachine localLog) {
    this.settings = settings;
    this.catalog = catalog;
    this.orders = orders;
    this.orderReplica = orderReplica;
    this.localLog = localLog;
    this.slots = new Semaphore(settings.maxConcurrentBuys());
  }

  public Outcome buy(String key, int item, int quantity, long requestedAtMillis) {
    // Orders never change once recorded, so one found locally is the answer even on a lagging replica.
    Optional<Order> known = localLog.inspect(log -> log.byKey(key));
    if (known.isPresent()) {
      Order o = known.get();
      if (o.item() != item || o.quantity() != quantity) {
        throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "key " + key + " was used for " + o.quantity()
            + " of item " + o.item());
      }
      return new Outcome(o, 0, true);
    }
    if (!acquire()) {
      throw new ApiException(ErrorCode.CAPACITY_EXHAUSTED,
          "this order replica is coordinating its limit of " + settings.maxConcurrentBuys() + " buys");
    }
    try {
      long start = System.nanoTime();
      Reservation reservation = reserve(key, item, quantity, requestedAtMillis);
      long catalogNanos = System.nanoTime() - start;
      OrderReply reply = record(reservation);
      return new Outcome(reply.order(), catalogNanos, reply.replayed());
    } finally {
      slots.release();
    }
  }

  private boolean acquire() {
    try {
      return slots.tryAcquire(settings.raftWriteTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Reservation reserve(String key, int item, int quantity, long requestedAtMillis) {
    byte[] command = Json.bytes(new CatalogCommand.Reserve(key, item, quantity, requestedAtMillis));
    CatalogReply reply;
    try {
      reply = Json.read(RaftCalls.write(catalog, command, Duration.ofMillis(settings.raftWriteTimeoutMillis()),
          "reserve " + key), CatalogReply.class);
    } catch (RaftCalls.RejectedException e) {
      reply = Json.read(e.reply(), CatalogReply.class);
    }
    if (!reply.ok()) {
      throw CatalogNode.failure(reply);
    }
    return reply.reservation();
  }

  /** Records the order for a reservation; also used by the reconciler. */
  OrderReply record(Reservation reservation) {
    byte[] command = Json.bytes(new OrderCommand.Record(reservation));
    OrderReply reply = Json.read(RaftCalls.writePreferLocal(orderReplica, orders, command,
        Duration.ofMillis(settings.raftWriteTimeoutMillis()), "record order " + reservation.key()), OrderReply.class);
    switch (reply.outcome()) {
      case OK -> {
        return reply;
      }
      case CAPACITY_EXHAUSTED -> throw new ApiException(ErrorCode.CAPACITY_EXHAUSTED, reply.message());
      default -> {
        LOG.error("order log refused reservation {}: {}", reservation, reply.message());
        throw new ApiException(ErrorCode.INTERNAL, reply.message());
      }
    }
  }
}
