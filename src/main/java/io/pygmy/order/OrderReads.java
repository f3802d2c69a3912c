package io.pygmy.order;

import io.pygmy.catalog.CatalogQuery;
import io.pygmy.catalog.CatalogView;
import io.pygmy.catalog.Reservation;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.Json;
import io.pygmy.raft.RaftCalls;
import io.pygmy.raft.RaftReplica;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.client.RaftClient;

/**
 * Order reads that never miss an answered buy. A buy is answered once the catalog has reserved it and
 * recorded in the order log a moment later (see {@link BuyCoordinator}); a read that comes in between,
 * or after the coordinator died, finds the reservation in the catalog and records its order first.
 * Reads of one order look for that reservation only when the order log has nothing (a catalog read
 * more, and a commit); reads of many (recent orders, the summary) always read the catalog first and
 * record every reservation it holds above the log's watermark (a commit only when some were missing).
 */
public final class OrderReads {
  /** Pages of reservations one read of many orders records at most before it gives up with 503. */
  static final int CATCH_UP_PAGES = 4;

  private final Settings settings;
  private final RaftReplica replica;
  private final OrderStateMachine localLog;
  private final RaftClient catalog;
  private final BuyCoordinator coordinator;

  public OrderReads(Settings settings, RaftReplica replica, OrderStateMachine localLog, RaftClient catalog,
                    BuyCoordinator coordinator) {
    this.settings = settings;
    this.replica = replica;
    this.localLog = localLog;
    this.catalog = catalog;
    this.coordinator = coordinator;
  }

  public Optional<Order> byId(long id) {
    Optional<Order> found = first(read(new OrderQuery.ById(id)));
    if (found.isPresent() || id <= 0) {
      return found;
    }
    List<Reservation> r = catalogRead(new CatalogQuery.ReservationsAfterQuery(id - 1, 1), "reservation " + id)
        .reservations();
    return r.isEmpty() || r.get(0).seq() != id ? Optional.empty() : Optional.of(coordinator.record(r.get(0)).order());
  }

  public Optional<Order> byKey(String key) {
    Optional<Order> found = first(read(new OrderQuery.ByKey(key)));
    if (found.isPresent()) {
      return found;
    }
    List<Reservation> r = catalogRead(new CatalogQuery.ReservationQuery(key), "reservation " + key).reservations();
    return r.isEmpty() ? Optional.empty() : Optional.of(coordinator.record(r.get(0)).order());
  }

  public List<Order> recent(int limit) {
    catchUp();
    return read(new OrderQuery.Recent(limit)).orders();
  }

  /** Orders with ids above {@code afterId}, oldest first: every answered order, each page once. */
  public List<Order> page(long afterId, int limit) {
    catchUp();
    return read(new OrderQuery.Page(afterId, limit)).orders();
  }

  public OrderView summary() {
    catchUp();
    return read(new OrderQuery.Summary());
  }

  /** This replica's own answer, without looking at the catalog: for {@code /digest}, which compares replicas. */
  public OrderView localSummary() {
    return read(new OrderQuery.Summary());
  }

  /**
   * Records every order the catalog has reserved and the log lacks, up to the catalog's count at the
   * start. At most {@link #CATCH_UP_PAGES} pages of {@code reconcileBatchSize} reservations per read:
   * further behind (the order group was down while buys were reserved), the read is refused as
   * unavailable, having caught up that far, rather than taking unbounded time.
   */
  private void catchUp() {
    long watermark = read(new OrderQuery.Summary()).reconciledThroughSeq();
    long target = -1;
    for (int page = 0; page < CATCH_UP_PAGES; page++) {
      CatalogView view = catalogRead(
          new CatalogQuery.ReservationsAfterQuery(watermark, settings.reconcileBatchSize()),
          "reservations after " + watermark);
      if (target < 0) {
        target = view.reservationCount();
      }
      recordMissing(view.reservations());
      // Read again: filling one old gap can carry the watermark far past this page.
      watermark = read(new OrderQuery.Summary()).reconciledThroughSeq();
      if (watermark >= target) {
        return;
      }
    }
    throw ApiException.unavailable("the order log is catching up with the catalog: " + (target - watermark)
        + " more reservations to record; try again");
  }

  private void recordMissing(List<Reservation> reservations) {
    List<Reservation> missing = reservations.stream()
        .filter(r -> !localLog.inspect(state -> localLog.log().recorded(state, r.seq()))).toList();
    List<OrderReply> replies = coordinator.recordAll(missing);
    for (int i = 0; i < replies.size(); i++) {
      if (replies.get(i).outcome() != OrderReply.Outcome.OK) {
        throw new ApiException(ErrorCode.INTERNAL, "recording reservation " + missing.get(i).seq() + ": "
            + replies.get(i).message());
      }
    }
  }

  private static Optional<Order> first(OrderView view) {
    return view.orders().isEmpty() ? Optional.empty() : Optional.of(view.orders().get(0));
  }

  private OrderView read(OrderQuery query) {
    return Json.read(RaftCalls.await(replica.readLocal(Json.bytes(query)), settings.raftReadTimeoutMillis() + 500L,
        "order read"), OrderView.class);
  }

  private CatalogView catalogRead(CatalogQuery query, String what) {
    return Json.read(RaftCalls.read(catalog, Json.bytes(query), what), CatalogView.class);
  }
}
