package io.pygmy.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.catalog.Reservation;
import io.pygmy.catalog.Reservation.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/** The reconciler's decision: record a reservation only once it has been seen unrecorded twice in a row. */
class ReconcilerTest {
  static Reservation r(long seq) {
    return new Reservation(seq, "k" + seq, 1, 1, 10, Status.RESERVED, seq);
  }

  static final LongPredicate NOTHING_RECORDED = seq -> false;

  @Test
  void aReservationSeenUnrecordedForTheFirstTimeIsOnlyRemembered() {
    Reconciler.Pass pass = Reconciler.decide(List.of(r(1), r(2)), NOTHING_RECORDED, Set.of());
    assertThat(pass.recordNow()).isEmpty();
    assertThat(pass.unrecorded()).containsExactlyInAnyOrder(1L, 2L);
  }

  @Test
  void aReservationUnrecordedOnTwoConsecutivePassesIsRecorded() {
    Reconciler.Pass first = Reconciler.decide(List.of(r(1)), NOTHING_RECORDED, Set.of());
    Reconciler.Pass second = Reconciler.decide(List.of(r(1)), NOTHING_RECORDED, first.unrecorded());
    assertThat(second.recordNow()).containsExactly(r(1));
  }

  @Test
  void aReservationRecordedNowIsNotCarriedToTheNextPass() {
    Reconciler.Pass pass = Reconciler.decide(List.of(r(1)), NOTHING_RECORDED, Set.of(1L));
    assertThat(pass.recordNow()).containsExactly(r(1));
    assertThat(pass.unrecorded()).isEmpty();
  }

  @Test
  void aReservationRecordedMeanwhileIsSkipped() {
    Reconciler.Pass pass = Reconciler.decide(List.of(r(1), r(2)), seq -> seq == 1, Set.of(1L, 2L));
    assertThat(pass.recordNow()).containsExactly(r(2));
    assertThat(pass.unrecorded()).isEmpty();
  }

  @Test
  void recordedReservationsAreNeitherRecordedNorRemembered() {
    Reconciler.Pass pass = Reconciler.decide(List.of(r(1), r(2), r(3)), seq -> true, Set.of(1L, 2L, 3L));
    assertThat(pass.recordNow()).isEmpty();
    assertThat(pass.unrecorded()).isEmpty();
  }

  @Test
  void theUnrecordedSetHoldsOnlyTheNewlySeenSeqs() {
    Reconciler.Pass pass = Reconciler.decide(List.of(r(1), r(2), r(3), r(4)), seq -> seq == 3, Set.of(1L, 9L));
    assertThat(pass.recordNow()).containsExactly(r(1));
    assertThat(pass.unrecorded()).containsExactlyInAnyOrder(2L, 4L);
  }

  @Test
  void seqsRememberedFromLastPassButAbsentNowAreDropped() {
    Reconciler.Pass pass = Reconciler.decide(List.of(r(5)), NOTHING_RECORDED, Set.of(3L, 4L));
    assertThat(pass.recordNow()).isEmpty();
    assertThat(pass.unrecorded()).containsExactly(5L);
  }

  @Test
  void outOfStockReservationsAreReconciledToo() {
    Reservation oos = new Reservation(1, "k1", 1, 1, 10, Status.OUT_OF_STOCK, 0);
    assertThat(Reconciler.decide(List.of(oos), NOTHING_RECORDED, Set.of(1L)).recordNow()).containsExactly(oos);
  }

  @Test
  void reservationsToRecordKeepTheCatalogsOrder() {
    List<Reservation> page = List.of(r(3), r(4), r(5), r(6));
    Reconciler.Pass pass = Reconciler.decide(page, NOTHING_RECORDED, Set.of(6L, 3L, 5L));
    assertThat(pass.recordNow()).containsExactly(r(3), r(5), r(6));
  }

  @Test
  void anEmptyPageDecidesNothing() {
    Reconciler.Pass pass = Reconciler.decide(List.of(), NOTHING_RECORDED, Set.of(1L));
    assertThat(pass.recordNow()).isEmpty();
    assertThat(pass.unrecorded()).isEmpty();
  }

  @Test
  void overManyPassesAStuckReservationIsRecordedOnTheSecondAndInFlightOnesAreNot() {
    // Seq 1 is never recorded by its coordinator; seq 2 is recorded by its coordinator between passes.
    List<Long> recordedByCoordinators = new ArrayList<>();
    List<Reservation> page = List.of(r(1), r(2));
    Set<Long> last = Set.of();
    List<Reservation> reconciled = new ArrayList<>();
    for (int passNo = 1; passNo <= 3; passNo++) {
      if (passNo == 2) {
        recordedByCoordinators.add(2L);
      }
      LongPredicate recorded = seq -> recordedByCoordinators.contains(seq)
          || reconciled.stream().anyMatch(x -> x.seq() == seq);
      Reconciler.Pass pass = Reconciler.decide(page, recorded, last);
      reconciled.addAll(pass.recordNow());
      last = pass.unrecorded();
    }
    assertThat(reconciled).containsExactly(r(1));
  }
}
