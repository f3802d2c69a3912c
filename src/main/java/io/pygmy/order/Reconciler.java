package io.pygmy.order;

import io.pygmy.catalog.CatalogQuery;
import io.pygmy.catalog.CatalogView;
import io.pygmy.catalog.Reservation;
import io.pygmy.http.Json;
import io.pygmy.raft.RaftCalls;
import io.pygmy.raft.RaftReplica;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes buys whose coordinator died after the catalog reserved stock but before the order was
 * recorded. Runs on the order leader only. Each pass reads the catalog's reservations above the order
 * log's watermark; a reservation still unrecorded on two consecutive passes (so not merely in flight)
 * is recorded here, with the outcome the catalog decided. No order stays missing for ever, and none is
 * recorded twice: the order log deduplicates by key.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final RaftReplica replica;
  private final OrderStateMachine localLog;
  private final RaftClient catalog;
  private final BuyCoordinator coordinator;
  private final int batchSize;
  private Set<Long> unrecordedLastPass = Set.of();

  /** The decision of one pass: what to record now, and what to look at again next time. */
  record Pass(List<Reservation> recordNow, Set<Long> unrecorded) {}

  public Reconciler(RaftReplica replica, OrderStateMachine localLog, RaftClient catalog, BuyCoordinator coordinator,
                    int batchSize) {
    this.replica = replica;
    this.localLog = localLog;
    this.catalog = catalog;
    this.coordinator = coordinator;
    this.batchSize = batchSize;
  }

  /** Pure: which reservations to record, given which are recorded and which were unrecorded last pass. */
  static Pass decide(List<Reservation> reservations, LongPredicate recorded, Set<Long> unrecordedLastPass) {
    List<Reservation> now = new ArrayList<>();
    Set<Long> unrecorded = new HashSet<>();
    for (Reservation r : reservations) {
      if (recorded.test(r.seq())) {
        continue;
      }
      if (unrecordedLastPass.contains(r.seq())) {
        now.add(r);
      } else {
        unrecorded.add(r.seq());
      }
    }
    return new Pass(now, unrecorded);
  }

  /** One pass; called periodically. Never throws: a failed pass is retried by the next. */
  public void runOnce() {
    try {
      if (!replica.status().leaderReady()) {
        unrecordedLastPass = Set.of();
        return;
      }
      long watermark = localLog.inspect(state -> localLog.log().meta(state).watermark());
      CatalogView view = Json.read(RaftCalls.read(catalog,
          Json.bytes(new CatalogQuery.ReservationsAfterQuery(watermark, batchSize)), "reservations after " + watermark),
          CatalogView.class);
      Pass pass = decide(view.reservations(), seq -> localLog.inspect(state -> localLog.log().recorded(state, seq)), unrecordedLastPass);
      List<Reservation> now = pass.recordNow();
      List<OrderReply> replies = coordinator.recordAll(now); // nothing to write for none
      for (int i = 0; i < now.size(); i++) {
        Reservation r = now.get(i);
        LOG.info("reconciled reservation {} (key {}): {}", r.seq(), r.key(), replies.get(i).message());
      }
      unrecordedLastPass = pass.unrecorded();
    } catch (RuntimeException e) {
      LOG.warn("reconcile pass failed: {}", e.toString());
    }
  }
}
