package io.pygmy.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.catalog.Reservation;
import io.pygmy.catalog.Reservation.Status;
import io.pygmy.http.Json;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The order history's rules, one behaviour per test. */
class OrderLogTest {
  static Reservation reserved(long seq, String key) {
    return new Reservation(seq, key, 1, 2, 10, Status.RESERVED, 1000 + seq);
  }

  static Reservation outOfStock(long seq, String key) {
    return new Reservation(seq, key, 2, 3, 20, Status.OUT_OF_STOCK, 2000 + seq);
  }

  static OrderReply record(OrderLog log, Reservation r) {
    return log.apply(new OrderCommand.Record(r));
  }

  static OrderLog logOf(Reservation... reservations) {
    OrderLog log = new OrderLog(100);
    for (Reservation r : reservations) {
      assertThat(record(log, r).outcome()).isEqualTo(OrderReply.Outcome.OK);
    }
    return log;
  }

  // ------------------------------------------------------------------ recording

  @Nested
  class Recording {
    @Test
    void aReservedReservationBecomesAConfirmedOrderMirroringIt() {
      OrderLog log = new OrderLog(10);
      OrderReply reply = record(log, new Reservation(7, "k", 3, 4, 25, Status.RESERVED, 555));

      Order expected = new Order(7, "k", 3, 4, Order.Status.CONFIRMED, 25, 100, 7, 555);
      assertThat(reply).isEqualTo(new OrderReply(OrderReply.Outcome.OK, "CONFIRMED", expected, false));
      assertThat(Order.of(new Reservation(7, "k", 3, 4, 25, Status.RESERVED, 555))).isEqualTo(expected);
      assertThat(log.byId(7)).contains(expected);
      assertThat(log.byKey("k")).contains(expected);
      assertThat(expected.confirmed()).isTrue();
    }

    @Test
    void anOutOfStockReservationBecomesARejectedOrder() {
      OrderLog log = new OrderLog(10);
      Order order = record(log, outOfStock(1, "k")).order();
      assertThat(order.status()).isEqualTo(Order.Status.REJECTED);
      assertThat(order.confirmed()).isFalse();
      assertThat(order.totalCost()).isEqualTo(60);
    }

    @Test
    void anOrdersIdIsItsReservationsSeqWhateverTheRecordingOrder() {
      OrderLog log = logOf(reserved(3, "c"), reserved(1, "a"), outOfStock(2, "b"));
      assertThat(log.byId(1).orElseThrow().key()).isEqualTo("a");
      assertThat(log.byId(2).orElseThrow().key()).isEqualTo("b");
      assertThat(log.byId(3).orElseThrow().key()).isEqualTo("c");
      assertThat(log.count()).isEqualTo(3);
    }

    @Test
    void anOrderAboveAGapIsFoundByItsId() {
      OrderLog log = logOf(reserved(5, "e"));
      assertThat(log.byId(5).orElseThrow().key()).isEqualTo("e");
      assertThat(log.byId(1)).isEmpty();
      assertThat(log.count()).isEqualTo(1);
    }

    @Test
    void idsOutsideTheLogFindNothing() {
      OrderLog log = logOf(reserved(1, "a"));
      assertThat(log.byId(0)).isEmpty();
      assertThat(log.byId(-1)).isEmpty();
      assertThat(log.byId(2)).isEmpty();
      assertThat(log.byId(Long.MAX_VALUE)).isEmpty();
      assertThat(log.byId(Long.MIN_VALUE)).isEmpty();
      assertThat(log.byKey("nope")).isEmpty();
    }

    @Test
    void recordingTheSameReservationAgainReturnsTheFirstOrder() {
      OrderLog log = logOf(reserved(1, "a"));
      Order first = log.byId(1).orElseThrow();
      String digest = log.digest();

      OrderReply replay = record(log, reserved(1, "a"));

      assertThat(replay).isEqualTo(new OrderReply(OrderReply.Outcome.OK, "replayed", first, true));
      assertThat(log.count()).isEqualTo(1);
      assertThat(log.digest()).isEqualTo(digest);
    }

    @Test
    void aReplayMatchesOnKeyAndSeqOnly() {
      OrderLog log = logOf(reserved(1, "a"));
      OrderReply replay = record(log, new Reservation(1, "a", 9, 9, 99, Status.OUT_OF_STOCK, 0));
      assertThat(replay.replayed()).isTrue();
      assertThat(replay.order()).isEqualTo(log.byId(1).orElseThrow());
    }

    @Test
    void aKeyNamingADifferentCatalogSeqIsAConflict() {
      OrderLog log = logOf(reserved(1, "a"));
      Order first = log.byId(1).orElseThrow();
      String digest = log.digest();

      OrderReply reply = record(log, reserved(2, "a"));

      assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.CONFLICT);
      assertThat(reply.order()).isEqualTo(first);
      assertThat(reply.replayed()).isFalse();
      assertThat(log.count()).isEqualTo(1);
      assertThat(log.recorded(2)).isFalse();
      assertThat(log.digest()).isEqualTo(digest);
    }

    @Test
    void aSeqAlreadyRecordedUnderAnotherKeyIsAConflict() {
      OrderLog log = logOf(reserved(2, "a"));
      OrderReply reply = record(log, reserved(2, "b"));
      assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.CONFLICT);
      assertThat(reply.order()).isNull();
      assertThat(log.byKey("b")).isEmpty();
      assertThat(log.count()).isEqualTo(1);
    }

    @Test
    void aSeqBelowTheWatermarkUnderAnotherKeyIsAConflict() {
      OrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(2);
      assertThat(record(log, reserved(1, "z")).outcome()).isEqualTo(OrderReply.Outcome.CONFLICT);
      assertThat(log.byKey("z")).isEmpty();
    }

    @Test
    void newOrdersAreRefusedAtCapacity() {
      OrderLog log = new OrderLog(2);
      record(log, reserved(1, "a"));
      record(log, outOfStock(2, "b"));
      String digest = log.digest();

      OrderReply third = record(log, reserved(3, "c"));

      assertThat(third.outcome()).isEqualTo(OrderReply.Outcome.CAPACITY_EXHAUSTED);
      assertThat(third.order()).isNull();
      assertThat(log.count()).isEqualTo(2);
      assertThat(log.recorded(3)).isFalse();
      assertThat(log.reconciledThroughSeq()).isEqualTo(2);
      assertThat(log.digest()).isEqualTo(digest);
    }

    @Test
    void replaysStillAnswerAtCapacity() {
      OrderLog log = new OrderLog(1);
      record(log, reserved(1, "a"));
      assertThat(record(log, reserved(1, "a")).replayed()).isTrue();
    }

    @Test
    void aLogNeedsAPositiveCapacity() {
      assertThatThrownBy(() -> new OrderLog(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new OrderLog(-1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ------------------------------------------------------------------ watermark

  @Nested
  class Watermark {
    @Test
    void startsAtZeroWithNothingRecorded() {
      OrderLog log = new OrderLog(10);
      assertThat(log.reconciledThroughSeq()).isZero();
      assertThat(log.recorded(1)).isFalse();
    }

    @Test
    void advancesOverContiguousSeqs() {
      OrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(2);
    }

    @Test
    void staysBelowAGap() {
      OrderLog log = logOf(reserved(2, "b"), reserved(3, "c"));
      assertThat(log.reconciledThroughSeq()).isZero();
      assertThat(log.recorded(1)).isFalse();
      assertThat(log.recorded(2)).isTrue();
      assertThat(log.recorded(3)).isTrue();
      assertThat(log.recorded(4)).isFalse();
    }

    @Test
    void fillingTheGapAdvancesOverEverythingRecordedAboveIt() {
      OrderLog log = logOf(reserved(2, "b"), reserved(3, "c"), reserved(1, "a"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(3);
    }

    @Test
    void advancesOnlyAsFarAsTheNextGap() {
      OrderLog log = logOf(reserved(5, "e"), reserved(2, "b"), reserved(3, "c"), reserved(1, "a"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(3);
      record(log, reserved(4, "d"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(5);
    }

    @Test
    void replaysAndConflictsDoNotMoveIt() {
      OrderLog log = logOf(reserved(2, "b"));
      record(log, reserved(2, "b"));
      record(log, reserved(1, "b"));
      assertThat(log.reconciledThroughSeq()).isZero();
      assertThat(log.recorded(1)).isFalse();
    }

    @Test
    void everySeqUpToTheWatermarkIsRecorded() {
      OrderLog log = logOf(reserved(4, "d"), reserved(1, "a"), reserved(3, "c"), reserved(2, "b"));
      for (long seq = 1; seq <= log.reconciledThroughSeq(); seq++) {
        assertThat(log.recorded(seq)).as("seq %d", seq).isTrue();
      }
      assertThat(log.reconciledThroughSeq()).isEqualTo(4);
    }
  }

  // ------------------------------------------------------------------ queries and counts

  @Nested
  class Queries {
    @Test
    void recentIsNewestFirst() {
      OrderLog log = logOf(reserved(1, "a"), reserved(2, "b"), reserved(3, "c"));
      assertThat(log.recent(2)).extracting(Order::key).containsExactly("c", "b");
    }

    @Test
    void recentIsByIdNotByRecordingOrder() {
      OrderLog log = logOf(reserved(3, "c"), reserved(1, "a"), reserved(2, "b"));
      assertThat(log.recent(3)).extracting(Order::key).containsExactly("c", "b", "a");
    }

    @Test
    void recentBeyondTheCountReturnsEverything() {
      OrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(log.recent(10)).extracting(Order::id).containsExactly(2L, 1L);
    }

    @Test
    void recentOfZeroOrOfAnEmptyLogIsEmpty() {
      assertThat(logOf(reserved(1, "a")).recent(0)).isEmpty();
      assertThat(new OrderLog(10).recent(5)).isEmpty();
    }

    @Test
    void countsSplitIntoConfirmedAndRejected() {
      OrderLog log = logOf(reserved(1, "a"), outOfStock(2, "b"), reserved(3, "c"));
      record(log, reserved(1, "a")); // replay
      record(log, reserved(4, "a")); // conflict
      assertThat(log.count()).isEqualTo(3);
      assertThat(log.confirmedCount()).isEqualTo(2);
      assertThat(log.rejectedCount()).isEqualTo(1);
    }

    @Test
    void aByIdQueryAnswersTheOrderOrNothing() {
      OrderLog log = logOf(reserved(1, "a"));
      assertThat(OrderQuery.answer(log, new OrderQuery.ById(1), 4))
          .isEqualTo(new OrderView(4, List.of(log.byId(1).orElseThrow()), null, null, null, null, null));
      assertThat(OrderQuery.answer(log, new OrderQuery.ById(2), 4).orders()).isEmpty();
    }

    @Test
    void aByKeyQueryAnswersTheOrderOrNothing() {
      OrderLog log = logOf(reserved(1, "a"));
      assertThat(OrderQuery.answer(log, new OrderQuery.ByKey("a"), 4).orders()).containsExactly(log.byId(1).orElseThrow());
      assertThat(OrderQuery.answer(log, new OrderQuery.ByKey("b"), 4).orders()).isEmpty();
    }

    @Test
    void aRecentQueryAnswersNewestFirst() {
      OrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(OrderQuery.answer(log, new OrderQuery.Recent(1), 4).orders()).extracting(Order::key)
          .containsExactly("b");
    }

    @Test
    void aSummaryAnswersCountsWatermarkAndDigest() {
      OrderLog log = logOf(reserved(1, "a"), outOfStock(3, "c"));
      assertThat(OrderQuery.answer(log, new OrderQuery.Summary(), 8))
          .isEqualTo(new OrderView(8, null, 2L, 1L, 1L, 1L, log.digest()));
    }
  }

  // ------------------------------------------------------------------ digest and snapshots

  @Nested
  class DigestAndSnapshots {
    @Test
    void isA128BitHexString() {
      assertThat(new OrderLog(1).digest()).matches("[0-9a-f]{32}");
    }

    @Test
    void equalHistoriesGiveEqualDigests() {
      assertThat(logOf(reserved(2, "b"), outOfStock(1, "a")).digest())
          .isEqualTo(logOf(reserved(2, "b"), outOfStock(1, "a")).digest());
    }

    @Test
    void theCapacityIsNotPartOfTheState() {
      OrderLog small = new OrderLog(5);
      record(small, reserved(1, "a"));
      assertThat(small.digest()).isEqualTo(logOf(reserved(1, "a")).digest());
    }

    @Test
    void recordingChangesIt() {
      assertThat(logOf(reserved(1, "a")).digest()).isNotEqualTo(new OrderLog(1).digest());
    }

    @Test
    void theRecordingOrderDoesNotChangeIt() {
      // The same orders with the same ids: the same state, so replicas and restored snapshots agree.
      assertThat(logOf(reserved(1, "a"), reserved(2, "b")).digest())
          .isEqualTo(logOf(reserved(2, "b"), reserved(1, "a")).digest());
    }

    @Test
    void aDifferentSetOfOrdersChangesIt() {
      assertThat(logOf(reserved(1, "a"), reserved(2, "b")).digest())
          .isNotEqualTo(logOf(reserved(1, "a"), reserved(3, "b")).digest());
    }

    @Test
    void aDifferentPlacedAtChangesIt() {
      OrderLog a = logOf(new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 1));
      OrderLog b = logOf(new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 2));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentKeyChangesIt() {
      assertThat(logOf(reserved(1, "a")).digest()).isNotEqualTo(logOf(reserved(1, "b")).digest());
    }

    @Test
    void aDifferentStatusChangesIt() {
      OrderLog a = logOf(new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 1));
      OrderLog b = logOf(new Reservation(1, "a", 1, 1, 1, Status.OUT_OF_STOCK, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void restoreGivesTheSameDigestCountsAndWatermark() {
      OrderLog original = logOf(reserved(2, "b"), outOfStock(1, "a"), reserved(4, "d"));
      OrderLog restored = OrderLog.restore(original.snapshot(), 100);

      assertThat(restored.digest()).isEqualTo(original.digest());
      assertThat(restored.count()).isEqualTo(3);
      assertThat(restored.confirmedCount()).isEqualTo(2);
      assertThat(restored.rejectedCount()).isEqualTo(1);
      assertThat(restored.reconciledThroughSeq()).isEqualTo(2);
      assertThat(restored.recorded(4)).isTrue();
      assertThat(restored.recorded(3)).isFalse();
      assertThat(restored.recent(10)).isEqualTo(original.recent(10));
      assertThat(restored.byKey("d")).isEqualTo(original.byKey("d"));
    }

    @Test
    void aRestoredLogContinuesIdentically() {
      OrderLog original = logOf(reserved(2, "b"), outOfStock(1, "a"), reserved(4, "d"));
      OrderLog restored = OrderLog.restore(original.snapshot(), 100);
      List<Reservation> more = List.of(reserved(2, "b"), reserved(5, "b"), reserved(4, "x"), reserved(3, "c"),
          reserved(5, "e"), outOfStock(6, "f"));
      for (Reservation r : more) {
        assertThat(record(restored, r)).as("%s", r).isEqualTo(record(original, r));
        assertThat(restored.digest()).isEqualTo(original.digest());
      }
      assertThat(restored.reconciledThroughSeq()).isEqualTo(6);
    }

    @Test
    void theSnapshotSurvivesAJsonRoundTripAsTheStateMachineStoresIt() {
      OrderLog original = logOf(reserved(2, "b"), outOfStock(1, "a"));
      OrderLog.Snapshot snapshot = Json.read(Json.bytes(original.snapshot()), OrderLog.Snapshot.class);
      assertThat(OrderLog.restore(snapshot, 100).digest()).isEqualTo(original.digest());
    }

    @Test
    void restoreGivesOrdersOfOlderSnapshotsTheirReservationsSeq() {
      // Older versions numbered orders in recording order: here reservation 2 was recorded first.
      Order first = new Order(1, "b", 1, 1, Order.Status.CONFIRMED, 1, 1, 2, 0);
      Order second = new Order(2, "a", 1, 1, Order.Status.CONFIRMED, 1, 1, 1, 0);
      OrderLog restored = OrderLog.restore(new OrderLog.Snapshot(List.of(first, second)), 10);
      assertThat(restored.byKey("b").orElseThrow().id()).isEqualTo(2);
      assertThat(restored.byId(1).orElseThrow().key()).isEqualTo("a");
      assertThat(restored.digest()).isEqualTo(logOf(new Reservation(2, "b", 1, 1, 1, Status.RESERVED, 0),
          new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 0)).digest());
    }

    @Test
    void restoreRefusesADuplicateKey() {
      Order one = new Order(1, "a", 1, 1, Order.Status.CONFIRMED, 1, 1, 1, 0);
      Order two = new Order(2, "a", 1, 1, Order.Status.CONFIRMED, 1, 1, 2, 0);
      assertThatThrownBy(() -> OrderLog.restore(new OrderLog.Snapshot(List.of(one, two)), 10))
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void restoreRefusesADuplicateCatalogSeq() {
      Order one = new Order(1, "a", 1, 1, Order.Status.CONFIRMED, 1, 1, 1, 0);
      Order two = new Order(2, "b", 1, 1, Order.Status.CONFIRMED, 1, 1, 1, 0);
      assertThatThrownBy(() -> OrderLog.restore(new OrderLog.Snapshot(List.of(one, two)), 10))
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSnapshotIsNotChangedByLaterRecords() {
      OrderLog log = logOf(reserved(1, "a"));
      OrderLog.Snapshot snapshot = log.snapshot();
      record(log, reserved(2, "b"));
      assertThat(snapshot.orders()).hasSize(1);
    }
  }

  @Nested
  class RecordingInBatches {
    @Test
    void aBatchRecordsEachReservationExactlyAsIfItWereAlone() {
      List<Reservation> reservations = List.of(reserved(1, "a"), outOfStock(2, "b"), reserved(3, "c"),
          reserved(1, "a"));
      OrderLog batched = new OrderLog(100);
      OrderLog alone = new OrderLog(100);

      OrderReply reply = batched.apply(new OrderCommand.RecordAll(reservations));

      assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.OK);
      assertThat(reply.each()).isEqualTo(reservations.stream().map(r -> record(alone, r)).toList());
      assertThat(reply.each()).extracting(OrderReply::replayed).containsExactly(false, false, false, true);
      assertThat(batched.count()).isEqualTo(3);
      assertThat(batched.reconciledThroughSeq()).isEqualTo(3);
      assertThat(batched.digest()).isEqualTo(alone.digest());
    }

    @Test
    void aBatchPastTheLimitRecordsUpToItAndRefusesTheRest() {
      OrderLog log = new OrderLog(2);
      OrderReply reply = log.apply(new OrderCommand.RecordAll(List.of(reserved(1, "a"), reserved(2, "b"),
          reserved(3, "c"))));
      assertThat(reply.each()).extracting(OrderReply::outcome).containsExactly(OrderReply.Outcome.OK,
          OrderReply.Outcome.OK, OrderReply.Outcome.CAPACITY_EXHAUSTED);
      assertThat(log.count()).isEqualTo(2);
    }

    @Test
    void anEmptyOrOversizedBatchIsInvalidAndChangesNothing() {
      OrderLog log = new OrderLog(1000);
      List<Reservation> tooMany = new java.util.ArrayList<>();
      for (int i = 1; i <= OrderCommand.RecordAll.MAX + 1; i++) {
        tooMany.add(reserved(i, "k" + i));
      }
      for (OrderCommand bad : List.of(new OrderCommand.RecordAll(List.of()), new OrderCommand.RecordAll(tooMany))) {
        assertThat(OrderLog.validate(bad)).isPresent();
        assertThat(log.apply(bad).outcome()).isEqualTo(OrderReply.Outcome.INVALID);
      }
      assertThat(log.count()).isZero();
      assertThat(OrderLog.validate(new OrderCommand.RecordAll(tooMany.subList(0, OrderCommand.RecordAll.MAX))))
          .isEmpty();
    }

    @Test
    void aBatchRoundTripsThroughJsonAsTheLogStoresIt() {
      OrderCommand c = new OrderCommand.RecordAll(List.of(reserved(1, "a"), outOfStock(2, "b")));
      assertThat(Json.read(Json.bytes(c), OrderCommand.class)).isEqualTo(c);
      OrderReply reply = new OrderLog(10).apply(c);
      assertThat(Json.read(Json.bytes(reply), OrderReply.class)).isEqualTo(reply);
    }
  }

  @Test
  void commandsRoundTripThroughJsonAsTheLogStoresThem() {
    OrderCommand c = new OrderCommand.Record(reserved(3, "k"));
    assertThat(Json.read(Json.bytes(c), OrderCommand.class)).isEqualTo(c);
  }
}
