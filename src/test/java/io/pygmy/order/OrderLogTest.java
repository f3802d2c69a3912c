package io.pygmy.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.catalog.Reservation;
import io.pygmy.catalog.Reservation.Status;
import io.pygmy.http.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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

  static OrderReply record(StoredOrderLog log, Reservation r) {
    return log.apply(new OrderCommand.Record(r));
  }

  static StoredOrderLog logOf(Reservation... reservations) {
    StoredOrderLog log = new StoredOrderLog();
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
      StoredOrderLog log = new StoredOrderLog();
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
      StoredOrderLog log = new StoredOrderLog();
      Order order = record(log, outOfStock(1, "k")).order();
      assertThat(order.status()).isEqualTo(Order.Status.REJECTED);
      assertThat(order.confirmed()).isFalse();
      assertThat(order.totalCost()).isEqualTo(60);
    }

    @Test
    void anOrdersIdIsItsReservationsSeqWhateverTheRecordingOrder() {
      StoredOrderLog log = logOf(reserved(3, "c"), reserved(1, "a"), outOfStock(2, "b"));
      assertThat(log.byId(1).orElseThrow().key()).isEqualTo("a");
      assertThat(log.byId(2).orElseThrow().key()).isEqualTo("b");
      assertThat(log.byId(3).orElseThrow().key()).isEqualTo("c");
      assertThat(log.count()).isEqualTo(3);
    }

    @Test
    void anOrderAboveAGapIsFoundByItsId() {
      StoredOrderLog log = logOf(reserved(5, "e"));
      assertThat(log.byId(5).orElseThrow().key()).isEqualTo("e");
      assertThat(log.byId(1)).isEmpty();
      assertThat(log.count()).isEqualTo(1);
    }

    @Test
    void idsOutsideTheLogFindNothing() {
      StoredOrderLog log = logOf(reserved(1, "a"));
      assertThat(log.byId(0)).isEmpty();
      assertThat(log.byId(-1)).isEmpty();
      assertThat(log.byId(2)).isEmpty();
      assertThat(log.byId(Long.MAX_VALUE)).isEmpty();
      assertThat(log.byId(Long.MIN_VALUE)).isEmpty();
      assertThat(log.byKey("nope")).isEmpty();
    }

    @Test
    void recordingTheSameReservationAgainReturnsTheFirstOrder() {
      StoredOrderLog log = logOf(reserved(1, "a"));
      Order first = log.byId(1).orElseThrow();
      String digest = log.digest();

      OrderReply replay = record(log, reserved(1, "a"));

      assertThat(replay).isEqualTo(new OrderReply(OrderReply.Outcome.OK, "replayed", first, true));
      assertThat(log.count()).isEqualTo(1);
      assertThat(log.digest()).isEqualTo(digest);
    }

    @Test
    void aReplayMatchesOnKeyAndSeqOnly() {
      StoredOrderLog log = logOf(reserved(1, "a"));
      OrderReply replay = record(log, new Reservation(1, "a", 9, 9, 99, Status.OUT_OF_STOCK, 0));
      assertThat(replay.replayed()).isTrue();
      assertThat(replay.order()).isEqualTo(log.byId(1).orElseThrow());
    }

    /** The catalog issues a new reservation for a key only once its window passed there: a new order. */
    @Test
    void aKeyOfANewerReservationIsANewOrderAndTheKeyNamesIt() {
      StoredOrderLog log = logOf(reserved(1, "a"));
      OrderReply reply = record(log, reserved(2, "a"));
      assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.OK);
      assertThat(reply.replayed()).isFalse();
      assertThat(log.count()).isEqualTo(2);
      assertThat(log.byKey("a").orElseThrow().id()).isEqualTo(2);
      assertThat(log.byId(1)).isPresent();
    }

    @Test
    void aKeyKeepsNamingItsNewestOrderWhenAnOlderOneIsRecordedLate() {
      StoredOrderLog log = logOf(reserved(2, "a"));
      assertThat(record(log, reserved(1, "a")).outcome()).isEqualTo(OrderReply.Outcome.OK);
      assertThat(log.byKey("a").orElseThrow().id()).isEqualTo(2);
      assertThat(log.reconciledThroughSeq()).isEqualTo(2);
    }

    @Test
    void aKeyIsLiveWithinTheRetentionWindowOfTheLogClock() {
      StoredOrderLog log = new StoredOrderLog(1000, new io.pygmy.storage.MemoryStore());
      record(log, new Reservation(1, "a", 1, 1, 5, Status.RESERVED, 10_000));
      assertThat(log.liveByKey("a")).isPresent();
      record(log, new Reservation(2, "b", 1, 1, 5, Status.RESERVED, 10_999));
      assertThat(log.liveByKey("a")).isPresent();
      record(log, new Reservation(3, "c", 1, 1, 5, Status.RESERVED, 11_000));
      assertThat(log.liveByKey("a")).isEmpty();
      assertThat(log.byKey("a")).as("still readable by key").isPresent();
    }

    @Test
    void aSeqAlreadyRecordedUnderAnotherKeyIsAConflict() {
      StoredOrderLog log = logOf(reserved(2, "a"));
      OrderReply reply = record(log, reserved(2, "b"));
      assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.CONFLICT);
      assertThat(reply.order()).isNull();
      assertThat(log.byKey("b")).isEmpty();
      assertThat(log.count()).isEqualTo(1);
    }

    @Test
    void aSeqBelowTheWatermarkUnderAnotherKeyIsAConflict() {
      StoredOrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(2);
      assertThat(record(log, reserved(1, "z")).outcome()).isEqualTo(OrderReply.Outcome.CONFLICT);
      assertThat(log.byKey("z")).isEmpty();
    }

    /** Today an overflowing total would halt every replica on every replay: it is refused instead. */
    @Test
    void aReservationWhoseTotalOverflowsIsRefusedAtApplyAndBeforeLogging() {
      StoredOrderLog log = logOf(reserved(1, "a"));
      String digest = log.digest();
      Reservation huge = new Reservation(2, "h", 1, 3, Long.MAX_VALUE / 2, Status.RESERVED, 0);
      assertThat(OrderLog.validate(new OrderCommand.Record(huge))).isPresent();
      assertThat(record(log, huge).outcome()).isEqualTo(OrderReply.Outcome.INVALID);
      OrderReply batch = log.apply(new OrderCommand.RecordAll(List.of(reserved(3, "c"), huge)));
      assertThat(batch.outcome()).isEqualTo(OrderReply.Outcome.INVALID);
      assertThat(log.digest()).isEqualTo(digest);
    }

    @Test
    void aLogNeedsAPositiveRetention() {
      assertThatThrownBy(() -> new OrderLog(0)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ------------------------------------------------------------------ watermark

  @Nested
  class Watermark {
    @Test
    void startsAtZeroWithNothingRecorded() {
      StoredOrderLog log = new StoredOrderLog();
      assertThat(log.reconciledThroughSeq()).isZero();
      assertThat(log.recorded(1)).isFalse();
    }

    @Test
    void advancesOverContiguousSeqs() {
      StoredOrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(2);
    }

    @Test
    void staysBelowAGap() {
      StoredOrderLog log = logOf(reserved(2, "b"), reserved(3, "c"));
      assertThat(log.reconciledThroughSeq()).isZero();
      assertThat(log.recorded(1)).isFalse();
      assertThat(log.recorded(2)).isTrue();
      assertThat(log.recorded(3)).isTrue();
      assertThat(log.recorded(4)).isFalse();
    }

    @Test
    void fillingTheGapAdvancesOverEverythingRecordedAboveIt() {
      StoredOrderLog log = logOf(reserved(2, "b"), reserved(3, "c"), reserved(1, "a"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(3);
    }

    @Test
    void advancesOnlyAsFarAsTheNextGap() {
      StoredOrderLog log = logOf(reserved(5, "e"), reserved(2, "b"), reserved(3, "c"), reserved(1, "a"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(3);
      record(log, reserved(4, "d"));
      assertThat(log.reconciledThroughSeq()).isEqualTo(5);
    }

    @Test
    void replaysAndConflictsDoNotMoveIt() {
      StoredOrderLog log = logOf(reserved(2, "b"));
      record(log, reserved(2, "b"));
      record(log, reserved(2, "z"));
      assertThat(log.reconciledThroughSeq()).isZero();
      assertThat(log.recorded(1)).isFalse();
    }

    @Test
    void everySeqUpToTheWatermarkIsRecorded() {
      StoredOrderLog log = logOf(reserved(4, "d"), reserved(1, "a"), reserved(3, "c"), reserved(2, "b"));
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
      StoredOrderLog log = logOf(reserved(1, "a"), reserved(2, "b"), reserved(3, "c"));
      assertThat(log.recent(2)).extracting(Order::key).containsExactly("c", "b");
    }

    @Test
    void recentIsByIdNotByRecordingOrder() {
      StoredOrderLog log = logOf(reserved(3, "c"), reserved(1, "a"), reserved(2, "b"));
      assertThat(log.recent(3)).extracting(Order::key).containsExactly("c", "b", "a");
    }

    @Test
    void recentBeyondTheCountReturnsEverything() {
      StoredOrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(log.recent(10)).extracting(Order::id).containsExactly(2L, 1L);
    }

    @Test
    void recentOfZeroOrOfAnEmptyLogIsEmpty() {
      assertThat(logOf(reserved(1, "a")).recent(0)).isEmpty();
      assertThat(new StoredOrderLog().recent(5)).isEmpty();
    }

    @Test
    void countsSplitIntoConfirmedAndRejected() {
      StoredOrderLog log = logOf(reserved(1, "a"), outOfStock(2, "b"), reserved(3, "c"));
      record(log, reserved(1, "a")); // replay
      record(log, reserved(3, "z")); // conflict: seq 3 is recorded under another key
      assertThat(log.count()).isEqualTo(3);
      assertThat(log.confirmedCount()).isEqualTo(2);
      assertThat(log.rejectedCount()).isEqualTo(1);
    }

    @Test
    void aByIdQueryAnswersTheOrderOrNothing() {
      StoredOrderLog log = logOf(reserved(1, "a"));
      assertThat(OrderQuery.answer(log.rules, log.state(), new OrderQuery.ById(1), 4))
          .isEqualTo(new OrderView(4, List.of(log.byId(1).orElseThrow()), null, null, null, null, null));
      assertThat(OrderQuery.answer(log.rules, log.state(), new OrderQuery.ById(2), 4).orders()).isEmpty();
    }

    @Test
    void aByKeyQueryAnswersTheOrderOrNothing() {
      StoredOrderLog log = logOf(reserved(1, "a"));
      assertThat(OrderQuery.answer(log.rules, log.state(), new OrderQuery.ByKey("a"), 4).orders()).containsExactly(log.byId(1).orElseThrow());
      assertThat(OrderQuery.answer(log.rules, log.state(), new OrderQuery.ByKey("b"), 4).orders()).isEmpty();
    }

    @Test
    void aRecentQueryAnswersNewestFirst() {
      StoredOrderLog log = logOf(reserved(1, "a"), reserved(2, "b"));
      assertThat(OrderQuery.answer(log.rules, log.state(), new OrderQuery.Recent(1), 4).orders()).extracting(Order::key)
          .containsExactly("b");
    }

    @Test
    void aSummaryAnswersCountsWatermarkAndDigest() {
      StoredOrderLog log = logOf(reserved(1, "a"), outOfStock(3, "c"));
      assertThat(OrderQuery.answer(log.rules, log.state(), new OrderQuery.Summary(), 8))
          .isEqualTo(new OrderView(8, null, 2L, 1L, 1L, 1L, log.digest()));
    }
  }

  // ------------------------------------------------------------------ digest and snapshots

  @Nested
  class DigestAndSnapshots {
    @Test
    void isA128BitHexString() {
      assertThat(new StoredOrderLog().digest()).matches("[0-9a-f]{32}");
    }

    @Test
    void equalHistoriesGiveEqualDigests() {
      assertThat(logOf(reserved(2, "b"), outOfStock(1, "a")).digest())
          .isEqualTo(logOf(reserved(2, "b"), outOfStock(1, "a")).digest());
    }

    @Test
    void recordingChangesIt() {
      assertThat(logOf(reserved(1, "a")).digest()).isNotEqualTo(new StoredOrderLog().digest());
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
      StoredOrderLog a = logOf(new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 1));
      StoredOrderLog b = logOf(new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 2));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentKeyChangesIt() {
      assertThat(logOf(reserved(1, "a")).digest()).isNotEqualTo(logOf(reserved(1, "b")).digest());
    }

    @Test
    void aDifferentStatusChangesIt() {
      StoredOrderLog a = logOf(new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 1));
      StoredOrderLog b = logOf(new Reservation(1, "a", 1, 1, 1, Status.OUT_OF_STOCK, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    /** The upgrade: a JSON snapshot of the release that kept orders in heap, imported into the store. */
    @Test
    void aLegacySnapshotImportsToTheStateRecordingGives() throws Exception {
      StoredOrderLog recorded = logOf(reserved(2, "b"), outOfStock(1, "a"), reserved(4, "d"));
      StoredOrderLog imported = new StoredOrderLog();
      String json = "{\"orders\":" + Json.text(List.of(recorded.byId(1).orElseThrow(), recorded.byId(2).orElseThrow(),
          recorded.byId(4).orElseThrow())) + "}";
      LegacyOrderImport.run(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), imported.store,
          imported.rules);
      assertThat(imported.digest()).isEqualTo(recorded.digest());
      assertThat(imported.reconciledThroughSeq()).isEqualTo(2);
      assertThat(imported.byKey("d")).isEqualTo(recorded.byKey("d"));
      assertThat(imported.verify()).isEmpty();
    }

    @Test
    void aLegacySnapshotGivesOrdersOfOlderNumberingsTheirReservationsSeq() throws Exception {
      // Older versions numbered orders in recording order: here reservation 2 was recorded first.
      Order first = new Order(1, "b", 1, 1, Order.Status.CONFIRMED, 1, 1, 2, 0);
      Order second = new Order(2, "a", 1, 1, Order.Status.CONFIRMED, 1, 1, 1, 0);
      StoredOrderLog imported = new StoredOrderLog();
      LegacyOrderImport.run(new ByteArrayInputStream(("{\"orders\":" + Json.text(List.of(first, second)) + "}")
          .getBytes(StandardCharsets.UTF_8)), imported.store, imported.rules);
      assertThat(imported.byKey("b").orElseThrow().id()).isEqualTo(2);
      assertThat(imported.byId(1).orElseThrow().key()).isEqualTo("a");
      assertThat(imported.digest()).isEqualTo(logOf(new Reservation(2, "b", 1, 1, 1, Status.RESERVED, 0),
          new Reservation(1, "a", 1, 1, 1, Status.RESERVED, 0)).digest());
    }

    @Test
    void aLegacySnapshotWithADuplicateCatalogSeqIsRefused() {
      Order one = new Order(1, "a", 1, 1, Order.Status.CONFIRMED, 1, 1, 1, 0);
      Order two = new Order(2, "b", 1, 1, Order.Status.CONFIRMED, 1, 1, 1, 0);
      StoredOrderLog imported = new StoredOrderLog();
      assertThatThrownBy(() -> LegacyOrderImport.run(new ByteArrayInputStream(("{\"orders\":" + Json.text(
          List.of(one, two)) + "}").getBytes(StandardCharsets.UTF_8)), imported.store, imported.rules))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  class RecordingInBatches {
    @Test
    void aBatchRecordsEachReservationExactlyAsIfItWereAlone() {
      List<Reservation> reservations = List.of(reserved(1, "a"), outOfStock(2, "b"), reserved(3, "c"),
          reserved(1, "a"));
      StoredOrderLog batched = new StoredOrderLog();
      StoredOrderLog alone = new StoredOrderLog();

      OrderReply reply = batched.apply(new OrderCommand.RecordAll(reservations));

      assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.OK);
      assertThat(reply.each()).isEqualTo(reservations.stream().map(r -> record(alone, r)).toList());
      assertThat(reply.each()).extracting(OrderReply::replayed).containsExactly(false, false, false, true);
      assertThat(batched.count()).isEqualTo(3);
      assertThat(batched.reconciledThroughSeq()).isEqualTo(3);
      assertThat(batched.digest()).isEqualTo(alone.digest());
    }

    @Test
    void anEmptyOrOversizedBatchIsInvalidAndChangesNothing() {
      StoredOrderLog log = new StoredOrderLog();
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
      OrderReply reply = new StoredOrderLog().apply(c);
      assertThat(Json.read(Json.bytes(reply), OrderReply.class)).isEqualTo(reply);
    }
  }

  @Test
  void commandsRoundTripThroughJsonAsTheLogStoresThem() {
    OrderCommand c = new OrderCommand.Record(reserved(3, "k"));
    assertThat(Json.read(Json.bytes(c), OrderCommand.class)).isEqualTo(c);
  }
}
