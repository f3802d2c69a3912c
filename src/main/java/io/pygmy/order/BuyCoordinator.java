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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs buys: reserve the stock in the catalog group (the check and the decrement are one committed
 * command), answer, then record the order in the order group. The committed reservation already holds
 * the whole order (key, item, quantity, cost, status, and its sequence number, which is the order's
 * id), so the buyer waits for one commit, not two. Until the order is recorded, a read that misses it
 * finds the reservation in the catalog and records it first ({@link OrderReads}); if this process dies
 * before recording, the order leader's {@link Reconciler} records it. Both commits are idempotent by
 * the buy's key, so a buy retried after any failure, on any order replica, returns the first outcome.
 *
 * <p>Buys that arrive while earlier ones are being committed go together ({@link GroupCommit}): one
 * catalog entry reserves them all and one order entry records them all, each still answered on its own.
 * A Raft round costs the same for one buy or sixty, so under load this is what sets the throughput.
 */
public final class BuyCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BuyCoordinator.class);
  /** Answered orders waiting to be recorded (~200 bytes each); beyond, the reconciler records them. */
  static final int RECORDS_WAITING_MAX = 10_000;

  private final Settings settings;
  private final CatalogReservations catalog;
  private final RaftClient orders;
  private final RaftReplica orderReplica;
  private final OrderStateMachine localLog;
  private final Semaphore slots;
  private final GroupCommit<PendingBuy> batches;
  private final GroupCommit<Reservation> recordings;
  private final IntConsumer batchSizes;

  /** The order and how long it took until the catalog had reserved it, for Server-Timing. */
  public record Outcome(Order order, long catalogNanos, boolean replayed) {}

  /** One buy waiting for its batch. */
  private record PendingBuy(CatalogCommand.Reserve reserve, long submittedNanos, CompletableFuture<Outcome> result) {
    void fail(RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * @param orderReplica this node's order replica: when it leads, orders are recorded through it directly
   *     (the frontend sends buys to the order leader first, so that is the common case)
   * @param batchSizes told the size of every batch committed (metrics)
   */
  BuyCoordinator(Settings settings, CatalogReservations catalog, RaftClient orders, RaftReplica orderReplica,
                 OrderStateMachine localLog, IntConsumer batchSizes) {
    this.settings = settings;
    this.catalog = catalog;
    this.orders = orders;
    this.orderReplica = orderReplica;
    this.localLog = localLog;
    this.slots = new Semaphore(settings.maxConcurrentBuys());
    this.batchSizes = batchSizes;
    this.batches = new GroupCommit<>("buys", settings.buyBatchMax(), settings.buyBatchesInFlight(),
        settings.maxConcurrentBuys(), this::commit,
        abandoned -> abandoned.forEach(p -> p.fail(ApiException.unavailable("this order replica is stopping"))));
    // Answered orders are recorded through their own queue, so a slow or leaderless order group delays
    // the recording, never the next buys' reservations.
    this.recordings = new GroupCommit<>("records", OrderCommand.RecordAll.MAX, settings.buyBatchesInFlight(),
        RECORDS_WAITING_MAX, settings.recordLingerMillis(), this::recordAnswered,
        abandoned -> LOG.info("{} answered orders left unrecorded at shutdown; the order leader's reconciler "
            + "records them", abandoned.size()));
  }

  public Outcome buy(String key, int item, int quantity, long requestedAtMillis) {
    // Orders never change once recorded, so one found locally is the answer even on a lagging replica, while
    // its key is surely remembered. Near the end of the window only the catalog can say (its log clock
    // decides), so such a retry goes there like a new buy and gets the first reservation or a new one.
    long surelyRemembered = settings.keyRetentionMillis() - settings.maxClockSkewMillis();
    Optional<Order> known = localLog.inspect(state -> localLog.log().liveByKey(state, key))
        .filter(o -> requestedAtMillis - o.placedAtMillis() < surelyRemembered);
    if (known.isPresent()) {
      Order o = known.get();
      if (o.item() != item || o.quantity() != quantity) {
        throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "key " + key + " was used for " + o.quantity()
            + " of item " + o.item());
      }
      return new Outcome(o, 0, true);
    }
    if (!acquire()) {
      throw capacityExhausted();
    }
    try {
      PendingBuy pending = new PendingBuy(new CatalogCommand.Reserve(key, item, quantity, requestedAtMillis),
          System.nanoTime(), new CompletableFuture<>());
      if (!batches.offer(pending)) {
        // Only when buys that timed out below still wait in the queue, or while closing.
        throw capacityExhausted();
      }
      // The batch's own call is bounded (one write); this bound only guards against a lost batch.
      return RaftCalls.await(pending.result(), settings.writeCallTimeoutMillis(), "buy " + key);
    } finally {
      slots.release();
    }
  }

  private ApiException capacityExhausted() {
    return new ApiException(ErrorCode.CAPACITY_EXHAUSTED,
        "this order replica is coordinating its limit of " + settings.maxConcurrentBuys() + " buys");
  }

  private boolean acquire() {
    try {
      return slots.tryAcquire(settings.raftWriteTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Reserves a batch in one catalog entry, answers each buy, and queues the reserved ones for recording. */
  private void commit(List<PendingBuy> batch) {
    batchSizes.accept(batch.size());
    List<CatalogReply> reserved;
    try {
      reserved = reserveAll(batch.stream().map(PendingBuy::reserve).toList());
    } catch (RuntimeException e) {
      // The whole batch shares the failure (no quorum in time, typically). If the entry did commit, a
      // retry with the same key gets its reservation back, and the reconciler records its orders.
      batch.forEach(p -> p.fail(e));
      return;
    }
    long reservedAt = System.nanoTime();
    List<Reservation> reservations = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      CatalogReply reply = reserved.get(i);
      PendingBuy p = batch.get(i);
      if (reply.ok()) {
        reservations.add(reply.reservation());
        p.result().complete(new Outcome(Order.of(reply.reservation()), reservedAt - p.submittedNanos(),
            reply.replayed()));
      } else {
        p.fail(CatalogNode.failure(reply));
      }
    }
    int notQueued = 0;
    for (Reservation r : reservations) {
      if (!recordings.offer(r)) {
        notQueued++;
      }
    }
    if (notQueued > 0) {
      LOG.warn("{} answered orders left to the reconciler: the record queue is full ({}) or closing", notQueued,
          RECORDS_WAITING_MAX);
    }
  }

  /** Records orders already answered, in one entry; a failure only delays them (see the class comment). */
  private void recordAnswered(List<Reservation> reservations) {
    try {
      List<OrderReply> recorded = recordAll(reservations);
      for (int i = 0; i < recorded.size(); i++) {
        OrderReply reply = recorded.get(i);
        if (reply.outcome() != OrderReply.Outcome.OK) {
          LOG.error("order log refused answered reservation {}: {}", reservations.get(i), reply.message());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("recording {} answered orders (keys {}{}) failed, a read or the reconciler will: {}",
          reservations.size(), reservations.stream().limit(10).map(Reservation::key).toList(),
          reservations.size() > 10 ? " and more" : "", e.toString());
    }
  }

  private List<CatalogReply> reserveAll(List<CatalogCommand.Reserve> reserves) {
    String what = reserves.size() == 1 ? "reserve " + reserves.get(0).key() : "reserve " + reserves.size() + " buys";
    CatalogReply reply = catalog.reserve(new CatalogCommand.ReserveAll(reserves), what);
    if (!reply.ok()) {
      throw CatalogNode.failure(reply);
    }
    if (reply.each() == null || reply.each().size() != reserves.size()) {
      throw new IllegalStateException(what + ": the catalog answered " + reply + " to " + reserves.size()
          + " reservations");
    }
    return reply.each();
  }

  /** Records orders in entries of at most {@link OrderCommand.RecordAll#MAX}; one reply each, in order. */
  List<OrderReply> recordAll(List<Reservation> reservations) {
    List<OrderReply> replies = new ArrayList<>(reservations.size());
    for (int from = 0; from < reservations.size(); from += OrderCommand.RecordAll.MAX) {
      replies.addAll(recordEntry(reservations.subList(from,
          Math.min(reservations.size(), from + OrderCommand.RecordAll.MAX))));
    }
    return replies;
  }

  private List<OrderReply> recordEntry(List<Reservation> reservations) {
    byte[] command = Json.bytes(new OrderCommand.RecordAll(reservations));
    String what = "record " + reservations.size() + " orders";
    OrderReply reply = Json.read(RaftCalls.writePreferLocal(orderReplica, orders, command,
        Duration.ofMillis(settings.raftWriteTimeoutMillis()), what), OrderReply.class);
    if (reply.outcome() != OrderReply.Outcome.OK || reply.each() == null
        || reply.each().size() != reservations.size()) {
      LOG.error("{}: the order log answered {}", what, reply);
      throw new ApiException(ErrorCode.INTERNAL, what + ": " + reply.message());
    }
    return reply.each();
  }

  /** Records the order for one reservation, or says why it cannot be; for a read that found it missing. */
  OrderReply record(Reservation reservation) {
    byte[] command = Json.bytes(new OrderCommand.Record(reservation));
    OrderReply reply = Json.read(RaftCalls.writePreferLocal(orderReplica, orders, command,
        Duration.ofMillis(settings.raftWriteTimeoutMillis()), "record order " + reservation.key()), OrderReply.class);
    return settled(reply, reservation);
  }

  /** The reply if the order is recorded, or the failure it names. */
  private static OrderReply settled(OrderReply reply, Reservation reservation) {
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

  @Override
  public void close() {
    batches.close();
    recordings.close();
  }
}
