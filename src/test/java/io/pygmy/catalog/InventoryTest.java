package io.pygmy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.catalog.CatalogCommand.Reserve;
import io.pygmy.catalog.CatalogCommand.ReserveAll;
import io.pygmy.catalog.CatalogCommand.Seed;
import io.pygmy.catalog.CatalogCommand.Update;
import io.pygmy.catalog.CatalogReply.Outcome;
import io.pygmy.catalog.Inventory.Applied;
import io.pygmy.catalog.Inventory.StockedBook;
import io.pygmy.catalog.Reservation.Status;
import io.pygmy.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The catalog's stock rules, one behaviour per test. */
class InventoryTest {
  /** Small limits so every bound is reachable in a test. */
  static final CatalogLimits LIMITS = new CatalogLimits(10, 1000, 10_000, 10, 16, 3, 100);

  static final Book NETWORKS = new Book(1, "Networks", "distributed-systems", 10, 5);
  static final Book RAFT = new Book(2, "In Search of an Understandable Consensus Algorithm", "distributed-systems", 20, 0);
  static final Book COOKING = new Book(3, "Cooking", "cooking", 7, 100);

  static Seed seedCommand() {
    return new Seed(List.of(NETWORKS, RAFT, COOKING));
  }

  static Inventory seeded() {
    return seeded(LIMITS);
  }

  static Inventory seeded(CatalogLimits limits) {
    Inventory inv = new Inventory(limits);
    assertThat(inv.apply(seedCommand()).reply().outcome()).isEqualTo(Outcome.OK);
    return inv;
  }

  static Reserve reserve(String key, int item, int quantity) {
    return new Reserve(key, item, quantity, 1_000L);
  }

  static Update restock(int item, long delta) {
    return new Update(null, item, delta, null);
  }

  static long stock(Inventory inv, int item) {
    return inv.book(item).orElseThrow().stock();
  }

  // ------------------------------------------------------------------ seeding

  @Nested
  class Seeding {
    @Test
    void aNewInventoryIsEmptyAndNotSeeded() {
      Inventory inv = new Inventory(LIMITS);
      assertThat(inv.seeded()).isFalse();
      assertThat(inv.all()).isEmpty();
      assertThat(inv.topics()).isEmpty();
      assertThat(inv.reservationCount()).isZero();
    }

    @Test
    void seedLoadsEveryBookAndReportsThemChanged() {
      Inventory inv = new Inventory(LIMITS);
      Applied applied = inv.apply(seedCommand());

      assertThat(applied.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(applied.reply().replayed()).isFalse();
      assertThat(applied.changed()).containsExactly(NETWORKS, RAFT, COOKING);
      assertThat(inv.seeded()).isTrue();
      assertThat(inv.all()).containsExactly(NETWORKS, RAFT, COOKING);
      assertThat(inv.book(2)).contains(RAFT);
    }

    @Test
    void seedStartsEveryBookBalancedWithNoAdjustmentsOrSales() {
      Inventory inv = seeded();
      assertThat(inv.stocked(1)).contains(new StockedBook(NETWORKS, 5, 0, 0));
      assertThat(inv.stocked(3)).contains(new StockedBook(COOKING, 100, 0, 0));
    }

    @Test
    void booksAreIndexedByTopicInIdOrder() {
      Inventory inv = new Inventory(LIMITS);
      inv.apply(new Seed(List.of(RAFT, COOKING, NETWORKS)));

      assertThat(inv.byTopic("distributed-systems")).containsExactly(NETWORKS, RAFT);
      assertThat(inv.byTopic("cooking")).containsExactly(COOKING);
      assertThat(inv.byTopic("gardening")).isEmpty();
      assertThat(inv.topics()).containsExactly("cooking", "distributed-systems");
      assertThat(inv.all()).containsExactly(NETWORKS, RAFT, COOKING);
    }

    @Test
    void aSecondSeedIsRefusedAsAlreadySeededAndChangesNothing() {
      Inventory inv = seeded();
      inv.apply(reserve("k1", 1, 2));
      String before = inv.digest();

      Applied again = inv.apply(new Seed(List.of(new Book(9, "Other", "other", 1, 1))));

      assertThat(again.reply().outcome()).isEqualTo(Outcome.ALREADY_SEEDED);
      assertThat(again.changed()).isEmpty();
      assertThat(inv.book(9)).isEmpty();
      assertThat(stock(inv, 1)).isEqualTo(3);
      assertThat(inv.digest()).isEqualTo(before);
    }

    @Test
    void anIdenticalSecondSeedIsAlsoRefused() {
      Inventory inv = seeded();
      assertThat(inv.apply(seedCommand()).reply().outcome()).isEqualTo(Outcome.ALREADY_SEEDED);
    }
  }

  // ------------------------------------------------------------------ reserving

  @Nested
  class Reserving {
    @Test
    void reserveInStockTakesTheStockAndRecordsAReservation() {
      Inventory inv = seeded();
      Applied applied = inv.apply(new Reserve("k1", 1, 2, 1234L));

      Book after = new Book(1, "Networks", "distributed-systems", 10, 3);
      Reservation expected = new Reservation(1, "k1", 1, 2, 10, Status.RESERVED, 1234L);
      assertThat(applied.reply()).isEqualTo(new CatalogReply(Outcome.OK, "RESERVED", after, expected, false));
      assertThat(applied.changed()).containsExactly(after);
      assertThat(inv.book(1)).contains(after);
      assertThat(inv.stocked(1)).contains(new StockedBook(after, 5, 0, 2));
      assertThat(inv.reservation("k1")).contains(expected);
    }

    @Test
    void reservingExactlyTheRemainingStockSucceedsAndLeavesZero() {
      Inventory inv = seeded();
      Applied applied = inv.apply(reserve("k1", 1, 5));
      assertThat(applied.reply().reservation().status()).isEqualTo(Status.RESERVED);
      assertThat(stock(inv, 1)).isZero();
    }

    @Test
    void reserveWithoutEnoughStockRecordsOutOfStockAndLeavesStockAlone() {
      Inventory inv = seeded();
      Applied applied = inv.apply(reserve("k1", 1, 6));

      assertThat(applied.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(applied.reply().message()).isEqualTo("OUT_OF_STOCK");
      assertThat(applied.reply().reservation())
          .isEqualTo(new Reservation(1, "k1", 1, 6, 10, Status.OUT_OF_STOCK, 1_000L));
      assertThat(applied.reply().book()).isEqualTo(NETWORKS);
      assertThat(applied.changed()).isEmpty();
      assertThat(inv.stocked(1)).contains(new StockedBook(NETWORKS, 5, 0, 0));
      assertThat(inv.reservationCount()).isEqualTo(1);
    }

    @Test
    void reservingABookWithZeroStockIsOutOfStock() {
      Inventory inv = seeded();
      assertThat(inv.apply(reserve("k1", 2, 1)).reply().reservation().status()).isEqualTo(Status.OUT_OF_STOCK);
      assertThat(stock(inv, 2)).isZero();
    }

    @Test
    void replayingAKeyReturnsTheFirstOutcomeAndChangesNothing() {
      Inventory inv = seeded();
      Applied first = inv.apply(reserve("k1", 1, 2));
      String digest = inv.digest();

      Applied replay = inv.apply(reserve("k1", 1, 2));

      assertThat(replay.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(replay.reply().replayed()).isTrue();
      assertThat(replay.reply().reservation()).isEqualTo(first.reply().reservation());
      assertThat(replay.changed()).isEmpty();
      assertThat(stock(inv, 1)).isEqualTo(3);
      assertThat(inv.reservationCount()).isEqualTo(1);
      assertThat(inv.digest()).isEqualTo(digest);
    }

    @Test
    void aReplayIgnoresTheRequestTimeOfTheRetry() {
      Inventory inv = seeded();
      inv.apply(new Reserve("k1", 1, 2, 100L));
      Applied replay = inv.apply(new Reserve("k1", 1, 2, 999L));
      assertThat(replay.reply().replayed()).isTrue();
      assertThat(replay.reply().reservation().requestedAtMillis()).isEqualTo(100L);
    }

    @Test
    void anOutOfStockReservationStaysOutOfStockWhenReplayedAfterARestock() {
      Inventory inv = seeded();
      inv.apply(reserve("k1", 2, 1));
      inv.apply(restock(2, 50));

      Applied replay = inv.apply(reserve("k1", 2, 1));

      assertThat(replay.reply().replayed()).isTrue();
      assertThat(replay.reply().reservation().status()).isEqualTo(Status.OUT_OF_STOCK);
      assertThat(stock(inv, 2)).isEqualTo(50);
      assertThat(inv.reservationCount()).isEqualTo(1);
    }

    @Test
    void aReservedReservationStaysReservedWhenReplayedAfterStockRanOut() {
      Inventory inv = seeded();
      inv.apply(reserve("k1", 1, 5));
      Applied replay = inv.apply(reserve("k1", 1, 5));
      assertThat(replay.reply().replayed()).isTrue();
      assertThat(replay.reply().reservation().status()).isEqualTo(Status.RESERVED);
      assertThat(stock(inv, 1)).isZero();
    }

    @Test
    void theSameKeyForADifferentItemIsKeyReused() {
      Inventory inv = seeded();
      inv.apply(reserve("k1", 1, 2));
      String digest = inv.digest();

      Applied reused = inv.apply(reserve("k1", 3, 2));

      assertThat(reused.reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(reused.reply().replayed()).isFalse();
      assertThat(reused.reply().reservation()).isNull();
      assertThat(reused.changed()).isEmpty();
      assertThat(stock(inv, 3)).isEqualTo(100);
      assertThat(inv.digest()).isEqualTo(digest);
    }

    @Test
    void theSameKeyForADifferentQuantityIsKeyReused() {
      Inventory inv = seeded();
      inv.apply(reserve("k1", 1, 2));
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(stock(inv, 1)).isEqualTo(3);
    }

    @Test
    void theSameKeyIsKeyReusedEvenWhenTheFirstUseWasOutOfStock() {
      Inventory inv = seeded();
      inv.apply(reserve("k1", 2, 1));
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(stock(inv, 1)).isEqualTo(5);
    }

    @Test
    void reservingAnUnknownItemIsRefusedWithoutUsingASequenceNumber() {
      Inventory inv = seeded();
      Applied applied = inv.apply(reserve("k1", 42, 1));

      assertThat(applied.reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(applied.changed()).isEmpty();
      assertThat(inv.reservation("k1")).isEmpty();
      assertThat(inv.reservationCount()).isZero();
      assertThat(inv.apply(reserve("k2", 1, 1)).reply().reservation().seq()).isEqualTo(1);
    }

    @Test
    void aKeyRefusedForAnUnknownItemCanBeUsedLater() {
      Inventory inv = seeded();
      inv.apply(reserve("k1", 42, 1));
      Applied applied = inv.apply(reserve("k1", 1, 1));
      assertThat(applied.reply().replayed()).isFalse();
      assertThat(applied.reply().reservation().status()).isEqualTo(Status.RESERVED);
    }

    @Test
    void reservingBeforeTheSeedIsUnknownItem() {
      Inventory inv = new Inventory(LIMITS);
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(inv.reservationCount()).isZero();
    }

    @Test
    void reservationSequenceNumbersAreDenseFromOneAcrossBothStatuses() {
      Inventory inv = seeded();
      inv.apply(reserve("a", 1, 1)); // reserved
      inv.apply(reserve("b", 2, 1)); // out of stock
      inv.apply(reserve("a", 1, 1)); // replay: no new seq
      inv.apply(reserve("c", 9, 1)); // unknown: no new seq
      inv.apply(reserve("d", 3, 1)); // reserved

      assertThat(inv.reservationsView()).extracting(Reservation::seq).containsExactly(1L, 2L, 3L);
      assertThat(inv.reservationsView()).extracting(Reservation::key).containsExactly("a", "b", "d");
      assertThat(inv.reservationCount()).isEqualTo(3);
    }

    @Test
    void theReservationRecordsTheCostAtTheTimeOfTheReserve() {
      Inventory inv = seeded();
      inv.apply(new Update(null, 1, 0, 99L));
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().reservation().unitCost()).isEqualTo(99);
    }

    @Test
    void newReservationsAreRefusedOnceTheCapacityIsReached() {
      CatalogLimits two = new CatalogLimits(10, 1000, 10_000, 10, 16, 3, 2);
      Inventory inv = seeded(two);
      inv.apply(reserve("a", 1, 1));
      inv.apply(reserve("b", 2, 1)); // out-of-stock reservations count too
      String digest = inv.digest();

      Applied third = inv.apply(reserve("c", 3, 1));

      assertThat(third.reply().outcome()).isEqualTo(Outcome.CAPACITY_EXHAUSTED);
      assertThat(third.changed()).isEmpty();
      assertThat(inv.reservation("c")).isEmpty();
      assertThat(stock(inv, 3)).isEqualTo(100);
      assertThat(inv.digest()).isEqualTo(digest);
    }

    @Test
    void replaysStillAnswerWhenTheCapacityIsReached() {
      CatalogLimits one = new CatalogLimits(10, 1000, 10_000, 10, 16, 3, 1);
      Inventory inv = seeded(one);
      inv.apply(reserve("a", 1, 1));
      Applied replay = inv.apply(reserve("a", 1, 1));
      assertThat(replay.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(replay.reply().replayed()).isTrue();
    }

    @Test
    void updatesStillApplyWhenTheReservationCapacityIsReached() {
      CatalogLimits one = new CatalogLimits(10, 1000, 10_000, 10, 16, 3, 1);
      Inventory inv = seeded(one);
      inv.apply(reserve("a", 1, 1));
      assertThat(inv.apply(restock(1, 5)).reply().outcome()).isEqualTo(Outcome.OK);
    }
  }

  // ------------------------------------------------------------------ paging reservations

  @Nested
  class ReservingInBatches {
    @Test
    void aBatchAnswersEachReservationExactlyAsIfItWereAlone() {
      List<Reserve> reserves = List.of(reserve("a", 1, 2), reserve("b", 3, 1), reserve("c", 1, 4),
          reserve("d", 1, 3), reserve("a", 1, 2));
      Inventory batched = seeded();
      Inventory alone = seeded();

      Applied applied = batched.apply(new ReserveAll(reserves));

      List<CatalogReply> expected = reserves.stream().map(r -> alone.apply(r).reply()).toList();
      assertThat(applied.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(applied.reply().each()).isEqualTo(expected);
      assertThat(applied.reply().each()).extracting(r -> r.reservation().status())
          .containsExactly(Status.RESERVED, Status.RESERVED, Status.OUT_OF_STOCK, Status.RESERVED, Status.RESERVED);
      assertThat(applied.reply().each().get(4).replayed()).isTrue();
      assertThat(batched.digest()).isEqualTo(alone.digest());
      assertThat(batched.snapshot()).isEqualTo(alone.snapshot());
    }

    @Test
    void changedBooksAppearOnceEachWithTheirStateAfterTheWholeBatch() {
      Inventory inv = seeded();
      Applied applied = inv.apply(new ReserveAll(List.of(reserve("a", 1, 1), reserve("b", 3, 5), reserve("c", 1, 2))));
      assertThat(applied.changed()).containsExactly(inv.book(1).orElseThrow(), inv.book(3).orElseThrow());
      assertThat(stock(inv, 1)).isEqualTo(2);
      assertThat(stock(inv, 3)).isEqualTo(95);
    }

    @Test
    void oneBadReservationIsRefusedAloneAndSpoilsNoOther() {
      Inventory inv = seeded();
      Applied applied = inv.apply(new ReserveAll(List.of(reserve("a", 1, 1), reserve("b", 99, 1),
          reserve("c", 1, 0), reserve("a", 3, 1), reserve("d", 1, 1))));
      assertThat(applied.reply().each()).extracting(CatalogReply::outcome).containsExactly(Outcome.OK,
          Outcome.UNKNOWN_ITEM, Outcome.INVALID, Outcome.KEY_REUSED, Outcome.OK);
      assertThat(stock(inv, 1)).isEqualTo(3);
      assertThat(inv.reservationCount()).isEqualTo(2);
    }

    @Test
    void aBatchPastTheCapacityReservesUpToItAndRefusesTheRest() {
      Inventory inv = seeded(new CatalogLimits(10, 1000, 10_000, 10, 16, 3, 2));
      Applied applied = inv.apply(new ReserveAll(List.of(reserve("a", 3, 1), reserve("b", 3, 1), reserve("c", 3, 1))));
      assertThat(applied.reply().each()).extracting(CatalogReply::outcome)
          .containsExactly(Outcome.OK, Outcome.OK, Outcome.CAPACITY_EXHAUSTED);
      assertThat(stock(inv, 3)).isEqualTo(98);
    }

    @Test
    void anEmptyOrOversizedBatchIsRefusedBeforeLoggingAndChangesNothing() {
      Reserve one = reserve("k", 1, 1);
      List<Reserve> tooMany = java.util.Collections.nCopies(ReserveAll.MAX + 1, one);
      Inventory inv = seeded();
      for (ReserveAll bad : List.of(new ReserveAll(List.of()), new ReserveAll(tooMany))) {
        assertThat(inv.rejectBeforeLogging(bad)).get().extracting(CatalogReply::outcome).isEqualTo(Outcome.INVALID);
        Applied applied = inv.apply(bad);
        assertThat(applied.reply().outcome()).isEqualTo(Outcome.INVALID);
        assertThat(applied.reply().each()).isNull();
      }
      assertThat(inv.reservationCount()).isZero();
      assertThat(inv.rejectBeforeLogging(new ReserveAll(java.util.Collections.nCopies(ReserveAll.MAX, one))))
          .isEmpty();
    }

    @Test
    void aBatchRoundTripsThroughJsonAsTheLogStoresIt() {
      CatalogCommand c = new ReserveAll(List.of(reserve("a", 1, 2), reserve("b", 3, 1)));
      assertThat(Json.read(Json.bytes(c), CatalogCommand.class)).isEqualTo(c);
      CatalogReply reply = seeded().apply(c).reply();
      assertThat(Json.read(Json.bytes(reply), CatalogReply.class)).isEqualTo(reply);
    }
  }

  @Nested
  class ReservationsAfter {
    Inventory withFiveReservations() {
      Inventory inv = seeded();
      for (int i = 1; i <= 5; i++) {
        inv.apply(reserve("k" + i, 3, 1));
      }
      return inv;
    }

    @Test
    void fromZeroReturnsTheFirstPageInSeqOrder() {
      assertThat(withFiveReservations().reservationsAfter(0, 3)).extracting(Reservation::seq)
          .containsExactly(1L, 2L, 3L);
    }

    @Test
    void returnsOnlySeqsAboveTheGivenOne() {
      assertThat(withFiveReservations().reservationsAfter(2, 2)).extracting(Reservation::seq)
          .containsExactly(3L, 4L);
    }

    @Test
    void aLimitPastTheEndReturnsTheRest() {
      assertThat(withFiveReservations().reservationsAfter(3, 100)).extracting(Reservation::seq)
          .containsExactly(4L, 5L);
    }

    @Test
    void atOrPastTheEndIsEmpty() {
      Inventory inv = withFiveReservations();
      assertThat(inv.reservationsAfter(5, 10)).isEmpty();
      assertThat(inv.reservationsAfter(6, 10)).isEmpty();
      assertThat(inv.reservationsAfter(Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void aNegativeStartOrANonPositiveLimitIsEmpty() {
      Inventory inv = withFiveReservations();
      assertThat(inv.reservationsAfter(-1, 10)).isEmpty();
      assertThat(inv.reservationsAfter(0, 0)).isEmpty();
      assertThat(inv.reservationsAfter(0, -3)).isEmpty();
    }

    @Test
    void aHugeLimitDoesNotOverflow() {
      assertThat(withFiveReservations().reservationsAfter(4, Integer.MAX_VALUE)).extracting(Reservation::seq)
          .containsExactly(5L);
    }

    @Test
    void pagingThroughReturnsEveryReservationOnceInOrder() {
      Inventory inv = withFiveReservations();
      List<Reservation> all = new ArrayList<>();
      long after = 0;
      for (int page = 0; page < 10; page++) {
        List<Reservation> got = inv.reservationsAfter(after, 2);
        if (got.isEmpty()) {
          break;
        }
        all.addAll(got);
        after = got.get(got.size() - 1).seq();
      }
      assertThat(all).isEqualTo(inv.reservationsView());
    }

    @Test
    void aPageIsACopyUnaffectedByLaterReservations() {
      Inventory inv = withFiveReservations();
      List<Reservation> page = inv.reservationsAfter(3, 10);
      inv.apply(reserve("k6", 3, 1));
      assertThat(page).hasSize(2);
    }
  }

  // ------------------------------------------------------------------ updates

  @Nested
  class Updating {
    @Test
    void aPositiveDeltaAddsStockAndCountsItAsAdjusted() {
      Inventory inv = seeded();
      Applied applied = inv.apply(restock(1, 7));

      Book after = new Book(1, "Networks", "distributed-systems", 10, 12);
      assertThat(applied.reply()).isEqualTo(new CatalogReply(Outcome.OK, "updated", after, null, false));
      assertThat(applied.changed()).containsExactly(after);
      assertThat(inv.stocked(1)).contains(new StockedBook(after, 5, 7, 0));
    }

    @Test
    void aNegativeDeltaRemovesStock() {
      Inventory inv = seeded();
      inv.apply(restock(1, -3));
      assertThat(inv.stocked(1).orElseThrow()).extracting(s -> s.book().stock(), StockedBook::adjusted)
          .containsExactly(2L, -3L);
    }

    @Test
    void aNegativeDeltaMayEmptyTheStockExactly() {
      Inventory inv = seeded();
      assertThat(inv.apply(restock(1, -5)).reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(stock(inv, 1)).isZero();
    }

    @Test
    void aDeltaThatWouldMakeStockNegativeIsAStockConflictAndChangesNothing() {
      Inventory inv = seeded();
      String digest = inv.digest();
      Applied applied = inv.apply(restock(1, -6));

      assertThat(applied.reply().outcome()).isEqualTo(Outcome.STOCK_CONFLICT);
      assertThat(applied.reply().message()).contains("is 5").contains("-6");
      assertThat(applied.changed()).isEmpty();
      assertThat(inv.stocked(1)).contains(new StockedBook(NETWORKS, 5, 0, 0));
      assertThat(inv.digest()).isEqualTo(digest);
    }

    @Test
    void aDeltaThatWouldExceedMaxStockIsAStockConflict() {
      Inventory inv = seeded();
      assertThat(inv.apply(restock(3, 901)).reply().outcome()).isEqualTo(Outcome.STOCK_CONFLICT);
      assertThat(stock(inv, 3)).isEqualTo(100);
    }

    @Test
    void aDeltaReachingExactlyMaxStockIsAllowed() {
      Inventory inv = seeded();
      assertThat(inv.apply(restock(3, 900)).reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(stock(inv, 3)).isEqualTo(1000);
    }

    @Test
    void aCostOnlyUpdateChangesTheCostAndNotTheStock() {
      Inventory inv = seeded();
      Applied applied = inv.apply(new Update(null, 1, 0, 42L));

      Book after = new Book(1, "Networks", "distributed-systems", 42, 5);
      assertThat(applied.reply().book()).isEqualTo(after);
      assertThat(applied.changed()).containsExactly(after);
      assertThat(inv.stocked(1)).contains(new StockedBook(after, 5, 0, 0));
    }

    @Test
    void aCostMaySetToZero() {
      Inventory inv = seeded();
      inv.apply(new Update(null, 1, 0, 0L));
      assertThat(inv.book(1).orElseThrow().cost()).isZero();
    }

    @Test
    void stockAndCostChangeTogether() {
      Inventory inv = seeded();
      inv.apply(new Update(null, 1, 4, 11L));
      assertThat(inv.book(1)).contains(new Book(1, "Networks", "distributed-systems", 11, 9));
    }

    @Test
    void aStockConflictAlsoLeavesTheCostAlone() {
      Inventory inv = seeded();
      inv.apply(new Update(null, 1, -100, 11L));
      assertThat(inv.book(1)).contains(NETWORKS);
    }

    @Test
    void updatingAnUnknownItemIsRefused() {
      Inventory inv = seeded();
      Applied applied = inv.apply(restock(42, 1));
      assertThat(applied.reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(applied.changed()).isEmpty();
    }

    @Test
    void unkeyedUpdatesApplyEveryTime() {
      Inventory inv = seeded();
      inv.apply(restock(1, 1));
      Applied second = inv.apply(restock(1, 1));
      assertThat(second.reply().replayed()).isFalse();
      assertThat(stock(inv, 1)).isEqualTo(7);
    }

    @Test
    void stockBalancesAcrossSalesAndAdjustments() {
      Inventory inv = seeded();
      inv.apply(reserve("a", 1, 4));
      inv.apply(restock(1, 10));
      inv.apply(reserve("b", 1, 3));
      inv.apply(restock(1, -2));
      assertThat(inv.stocked(1).orElseThrow())
          .isEqualTo(new StockedBook(NETWORKS.withStock(6), 5, 8, 7));
    }
  }

  // ------------------------------------------------------------------ keyed updates

  @Nested
  class KeyedUpdates {
    @Test
    void aKeyedUpdateIsRememberedWithItsReply() {
      Inventory inv = seeded();
      Applied applied = inv.apply(new Update("u1", 1, 2, null));
      assertThat(inv.update("u1")).contains(new UpdateRecord("u1", 1, 2, null, applied.reply()));
    }

    @Test
    void replayingAKeyedUpdateReturnsTheFirstReplyAndAppliesOnce() {
      Inventory inv = seeded();
      Applied first = inv.apply(new Update("u1", 1, 2, 15L));
      String digest = inv.digest();

      Applied replay = inv.apply(new Update("u1", 1, 2, 15L));

      assertThat(replay.reply()).isEqualTo(new CatalogReply(first.reply().outcome(), first.reply().message(),
          first.reply().book(), null, true));
      assertThat(replay.changed()).isEmpty();
      assertThat(stock(inv, 1)).isEqualTo(7);
      assertThat(inv.digest()).isEqualTo(digest);
    }

    @Test
    void aReplayReturnsTheFirstFailureEvenWhenItWouldNowSucceed() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 2, -1, null)); // stock 0: conflict
      inv.apply(restock(2, 5));

      Applied replay = inv.apply(new Update("u1", 2, -1, null));

      assertThat(replay.reply().outcome()).isEqualTo(Outcome.STOCK_CONFLICT);
      assertThat(replay.reply().replayed()).isTrue();
      assertThat(stock(inv, 2)).isEqualTo(5);
    }

    @Test
    void aKeyedUpdateOfAnUnknownItemIsRememberedAndReplayed() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 42, 1, null));
      Applied replay = inv.apply(new Update("u1", 42, 1, null));
      assertThat(replay.reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(replay.reply().replayed()).isTrue();
    }

    @Test
    void theSameKeyForADifferentItemIsKeyReused() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 2, null));
      Applied reused = inv.apply(new Update("u1", 3, 2, null));
      assertThat(reused.reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(reused.changed()).isEmpty();
      assertThat(stock(inv, 3)).isEqualTo(100);
    }

    @Test
    void theSameKeyForADifferentDeltaIsKeyReused() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 2, null));
      assertThat(inv.apply(new Update("u1", 1, 3, null)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(stock(inv, 1)).isEqualTo(7);
    }

    @Test
    void theSameKeyForADifferentCostIsKeyReused() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 2, 5L));
      assertThat(inv.apply(new Update("u1", 1, 2, 6L)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(inv.apply(new Update("u1", 1, 2, null)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(inv.book(1).orElseThrow().cost()).isEqualTo(5);
    }

    @Test
    void aKeyReusedAttemptDoesNotReplaceTheRememberedUpdate() {
      Inventory inv = seeded();
      Applied first = inv.apply(new Update("u1", 1, 2, null));
      inv.apply(new Update("u1", 1, 3, null));
      assertThat(inv.update("u1").orElseThrow().reply()).isEqualTo(first.reply());
    }

    @Test
    void anInvalidKeyedUpdateIsNotRemembered() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 0, null)); // invalid: no change
      assertThat(inv.update("u1")).isEmpty();
      assertThat(inv.apply(new Update("u1", 1, 1, null)).reply().replayed()).isFalse();
    }

    @Test
    void theWindowForgetsTheOldestKeyFirst() {
      Inventory inv = seeded(); // remembers 3 keys
      inv.apply(new Update("u1", 1, 1, null));
      inv.apply(new Update("u2", 1, 1, null));
      inv.apply(new Update("u3", 1, 1, null));
      inv.apply(new Update("u4", 1, 1, null));

      assertThat(inv.update("u1")).isEmpty();
      assertThat(inv.update("u2")).isPresent();
      assertThat(inv.update("u3")).isPresent();
      assertThat(inv.update("u4")).isPresent();
    }

    @Test
    void replayingAKeyDoesNotRefreshItsPlaceInTheWindow() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 1, null));
      inv.apply(new Update("u2", 1, 1, null));
      inv.apply(new Update("u3", 1, 1, null));
      inv.apply(new Update("u1", 1, 1, null)); // replay
      inv.apply(new Update("u4", 1, 1, null));

      assertThat(inv.update("u1")).isEmpty();
      assertThat(inv.update("u2")).isPresent();
    }

    @Test
    void aForgottenKeyAppliesAgainAsANewUpdate() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 1, null));
      for (int i = 2; i <= 4; i++) {
        inv.apply(new Update("u" + i, 3, 1, null));
      }
      Applied again = inv.apply(new Update("u1", 1, 1, null));
      assertThat(again.reply().replayed()).isFalse();
      assertThat(stock(inv, 1)).isEqualTo(7);
    }

    @Test
    void aForgottenKeyMayBeUsedForADifferentUpdate() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 1, null));
      for (int i = 2; i <= 4; i++) {
        inv.apply(new Update("u" + i, 3, 1, null));
      }
      assertThat(inv.apply(new Update("u1", 3, 9, null)).reply().outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void failedKeyedUpdatesOccupyTheWindowToo() {
      Inventory inv = seeded();
      inv.apply(new Update("u1", 1, 1, null));
      inv.apply(new Update("u2", 2, -1, null)); // conflict
      inv.apply(new Update("u3", 42, 1, null)); // unknown item
      inv.apply(new Update("u4", 2, -1, null)); // conflict
      assertThat(inv.update("u1")).isEmpty();
      assertThat(inv.update("u2").orElseThrow().reply().outcome()).isEqualTo(Outcome.STOCK_CONFLICT);
    }

    @Test
    void reservationKeysAndUpdateKeysAreSeparateNamespaces() {
      Inventory inv = seeded();
      inv.apply(reserve("same", 1, 1));
      Applied update = inv.apply(new Update("same", 1, 1, null));
      assertThat(update.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(update.reply().replayed()).isFalse();
    }
  }

  // ------------------------------------------------------------------ validation

  @Nested
  class Validation {
    Optional<String> check(CatalogCommand c) {
      return Inventory.validate(c, LIMITS);
    }

    @Test
    void aSeedWithNoBooksIsInvalid() {
      assertThat(check(new Seed(List.of()))).hasValueSatisfying(m -> assertThat(m).contains("1..10 books"));
    }

    @Test
    void aSeedWithMoreThanMaxBooksIsInvalid() {
      List<Book> eleven = IntStream.rangeClosed(1, 11).mapToObj(i -> new Book(i, "B" + i, "t", 1, 1)).toList();
      assertThat(check(new Seed(eleven))).isPresent();
      assertThat(check(new Seed(eleven.subList(0, 10)))).isEmpty();
    }

    @Test
    void aSeedWithADuplicateIdIsInvalid() {
      assertThat(check(new Seed(List.of(NETWORKS, new Book(1, "Again", "t", 1, 1)))))
          .hasValueSatisfying(m -> assertThat(m).contains("duplicate book id 1"));
    }

    @Test
    void aSeedBookAboveMaxStockOrMaxCostIsInvalid() {
      assertThat(check(new Seed(List.of(new Book(1, "B", "t", 1, 1001))))).isPresent();
      assertThat(check(new Seed(List.of(new Book(1, "B", "t", 10_001, 1))))).isPresent();
      assertThat(check(new Seed(List.of(new Book(1, "B", "t", 10_000, 1000))))).isEmpty();
    }

    @Test
    void aReserveKeyMustBePresentAndNotEmpty() {
      assertThat(check(new Reserve(null, 1, 1, 0))).hasValueSatisfying(m -> assertThat(m).contains("key"));
      assertThat(check(new Reserve("", 1, 1, 0))).isPresent();
    }

    @Test
    void aReserveKeyMayBeAtMostMaxKeyLength() {
      assertThat(check(reserve("k".repeat(16), 1, 1))).isEmpty();
      assertThat(check(reserve("k".repeat(17), 1, 1))).isPresent();
    }

    @Test
    void aReserveKeyMustBePrintableAscii() {
      assertThat(check(reserve("a b", 1, 1))).isPresent();
      assertThat(check(reserve("a\tb", 1, 1))).isPresent();
      assertThat(check(reserve("a\u007fb", 1, 1))).isPresent();
      assertThat(check(reserve("caf\u00e9", 1, 1))).isPresent();
      assertThat(check(reserve("!~azAZ09-_:|", 1, 1))).isEmpty();
    }

    @Test
    void aReserveItemMustBePositive() {
      assertThat(check(reserve("k", 0, 1))).hasValueSatisfying(m -> assertThat(m).contains("item"));
      assertThat(check(reserve("k", -1, 1))).isPresent();
    }

    @Test
    void aReserveQuantityMustBeWithinOneAndTheMaximum() {
      assertThat(check(reserve("k", 1, 0))).hasValueSatisfying(m -> assertThat(m).contains("1..10"));
      assertThat(check(reserve("k", 1, -1))).isPresent();
      assertThat(check(reserve("k", 1, 11))).isPresent();
      assertThat(check(reserve("k", 1, 1))).isEmpty();
      assertThat(check(reserve("k", 1, 10))).isEmpty();
    }

    @Test
    void anUpdateMayHaveNoKey() {
      assertThat(check(new Update(null, 1, 1, null))).isEmpty();
    }

    @Test
    void anUpdateKeyWhenGivenMustBeValid() {
      assertThat(check(new Update("", 1, 1, null))).isPresent();
      assertThat(check(new Update("a b", 1, 1, null))).isPresent();
      assertThat(check(new Update("k".repeat(17), 1, 1, null))).isPresent();
    }

    @Test
    void anUpdateItemMustBePositive() {
      assertThat(check(new Update(null, 0, 1, null))).isPresent();
    }

    @Test
    void anUpdateDeltaMustBeWithinPlusOrMinusMaxStock() {
      assertThat(check(new Update(null, 1, 1000, null))).isEmpty();
      assertThat(check(new Update(null, 1, -1000, null))).isEmpty();
      assertThat(check(new Update(null, 1, 1001, null))).isPresent();
      assertThat(check(new Update(null, 1, -1001, null))).isPresent();
      assertThat(check(new Update(null, 1, Long.MAX_VALUE, null))).isPresent();
    }

    @Test
    void anUpdateCostMustBeWithinZeroAndMaxCost() {
      assertThat(check(new Update(null, 1, 0, 0L))).isEmpty();
      assertThat(check(new Update(null, 1, 0, 10_000L))).isEmpty();
      assertThat(check(new Update(null, 1, 0, -1L))).isPresent();
      assertThat(check(new Update(null, 1, 0, 10_001L))).isPresent();
    }

    @Test
    void anUpdateMustChangeSomething() {
      assertThat(check(new Update(null, 1, 0, null)))
          .hasValueSatisfying(m -> assertThat(m).contains("stock delta or a cost"));
    }

    @Test
    void applyingAnInvalidCommandAnswersInvalidWithTheSameMessageAndChangesNothing() {
      Inventory inv = seeded();
      String digest = inv.digest();
      Reserve bad = reserve("k", 1, 11);

      Applied applied = inv.apply(bad);

      assertThat(applied.reply().outcome()).isEqualTo(Outcome.INVALID);
      assertThat(applied.reply().message()).isEqualTo(check(bad).orElseThrow());
      assertThat(applied.changed()).isEmpty();
      assertThat(inv.reservation("k")).isEmpty();
      assertThat(inv.digest()).isEqualTo(digest);
    }

    @Test
    void anInvalidSeedIsNotApplied() {
      Inventory inv = new Inventory(LIMITS);
      assertThat(inv.apply(new Seed(List.of())).reply().outcome()).isEqualTo(Outcome.INVALID);
      assertThat(inv.seeded()).isFalse();
    }
  }

  // ------------------------------------------------------------------ rejecting before logging

  @Nested
  class RejectBeforeLogging {
    @Test
    void aMalformedCommandIsRejectedAsInvalid() {
      Inventory inv = seeded();
      Reserve bad = reserve("", 1, 1);
      assertThat(inv.rejectBeforeLogging(bad))
          .contains(new CatalogReply(Outcome.INVALID, Inventory.validate(bad, LIMITS).orElseThrow(), null, null, false));
    }

    @Test
    void anUnknownItemIsRejectedOnceSeeded() {
      Inventory inv = seeded();
      assertThat(inv.rejectBeforeLogging(reserve("k", 42, 1))).hasValueSatisfying(
          r -> assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN_ITEM));
      assertThat(inv.rejectBeforeLogging(restock(42, 1))).hasValueSatisfying(
          r -> assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN_ITEM));
    }

    @Test
    void anUnknownItemMustBeLoggedBeforeTheSeedBecauseTheSeedMayBeAheadInTheLog() {
      Inventory inv = new Inventory(LIMITS);
      assertThat(inv.rejectBeforeLogging(reserve("k", 42, 1))).isEmpty();
      assertThat(inv.rejectBeforeLogging(restock(42, 1))).isEmpty();
    }

    @Test
    void validCommandsOnKnownItemsMustBeLogged() {
      Inventory inv = seeded();
      assertThat(inv.rejectBeforeLogging(reserve("k", 1, 1))).isEmpty();
      assertThat(inv.rejectBeforeLogging(reserve("k", 2, 1))).isEmpty(); // out of stock is decided in the log
      assertThat(inv.rejectBeforeLogging(restock(1, -100))).isEmpty(); // conflicts are decided in the log
      assertThat(inv.rejectBeforeLogging(new Update("u", 1, 0, 5L))).isEmpty();
    }

    @Test
    void aSeedIsLoggedEvenWhenSeededBecauseTheApplyAnswersAlreadySeeded() {
      assertThat(seeded().rejectBeforeLogging(seedCommand())).isEmpty();
      assertThat(new Inventory(LIMITS).rejectBeforeLogging(seedCommand())).isEmpty();
    }

    @Test
    void anInvalidSeedIsRejected() {
      assertThat(new Inventory(LIMITS).rejectBeforeLogging(new Seed(List.of()))).hasValueSatisfying(
          r -> assertThat(r.outcome()).isEqualTo(Outcome.INVALID));
    }

    @Test
    void rejectingChangesNothing() {
      Inventory inv = seeded();
      String digest = inv.digest();
      inv.rejectBeforeLogging(reserve("k", 42, 1));
      inv.rejectBeforeLogging(reserve("k", 1, 1));
      assertThat(inv.digest()).isEqualTo(digest);
      assertThat(inv.reservation("k")).isEmpty();
    }
  }

  // ------------------------------------------------------------------ cache keys

  @Nested
  class ChangedBooksAndCacheKeys {
    @Test
    void keySpellingIsShared() {
      assertThat(CacheKeys.item(7)).isEqualTo("item:7");
      assertThat(CacheKeys.topic("cooking")).isEqualTo("topic:cooking");
      assertThat(CacheKeys.ALL).isEqualTo("all");
    }

    @Test
    void noChangedBooksAffectNoKeys() {
      assertThat(CacheKeys.affectedBy(List.of())).isEmpty();
    }

    @Test
    void aChangedBookAffectsItsItemItsTopicAndTheFullListing() {
      assertThat(CacheKeys.affectedBy(List.of(COOKING))).containsExactly("item:3", "topic:cooking", "all");
    }

    @Test
    void booksSharingATopicNameItOnce() {
      assertThat(CacheKeys.affectedBy(List.of(NETWORKS, RAFT)))
          .containsExactly("item:1", "topic:distributed-systems", "item:2", "all");
    }

    @Test
    void aSuccessfulReserveChangesItsBook() {
      Inventory inv = seeded();
      assertThat(CacheKeys.affectedBy(inv.apply(reserve("k", 3, 1)).changed()))
          .containsExactly("item:3", "topic:cooking", "all");
    }

    @Test
    void commandsThatChangeNoVisibleStateChangeNoBooks() {
      Inventory inv = seeded();
      inv.apply(reserve("k", 1, 1));
      inv.apply(new Update("u", 1, 1, null));
      assertThat(inv.apply(reserve("k2", 2, 1)).changed()).as("out of stock").isEmpty();
      assertThat(inv.apply(reserve("k", 1, 1)).changed()).as("replay").isEmpty();
      assertThat(inv.apply(reserve("k", 3, 1)).changed()).as("key reused").isEmpty();
      assertThat(inv.apply(new Update("u", 1, 1, null)).changed()).as("update replay").isEmpty();
      assertThat(inv.apply(restock(1, -1000)).changed()).as("conflict").isEmpty();
      assertThat(inv.apply(restock(9, 1)).changed()).as("unknown").isEmpty();
      assertThat(inv.apply(seedCommand()).changed()).as("already seeded").isEmpty();
      assertThat(inv.apply(reserve("", 1, 1)).changed()).as("invalid").isEmpty();
    }

    @Test
    void theChangedBookIsTheBookAsItIsAfterTheCommand() {
      Inventory inv = seeded();
      List<Book> changed = inv.apply(new Update(null, 3, -1, 8L)).changed();
      assertThat(changed).containsExactly(inv.book(3).orElseThrow());
    }
  }

  // ------------------------------------------------------------------ digest

  @Nested
  class Digest {
    List<CatalogCommand> history() {
      return List.of(seedCommand(), reserve("a", 1, 2), reserve("b", 2, 1), new Update("u", 3, -4, 8L),
          restock(2, 3), reserve("c", 2, 2), reserve("a", 1, 2));
    }

    Inventory after(List<CatalogCommand> commands) {
      Inventory inv = new Inventory(LIMITS);
      commands.forEach(inv::apply);
      return inv;
    }

    @Test
    void isA128BitHexString() {
      assertThat(seeded().digest()).matches("[0-9a-f]{32}");
    }

    @Test
    void equalHistoriesGiveEqualDigests() {
      assertThat(after(history()).digest()).isEqualTo(after(history()).digest());
    }

    @Test
    void isStableWhenNothingChanges() {
      Inventory inv = after(history());
      assertThat(inv.digest()).isEqualTo(inv.digest());
    }

    @Test
    void seedingChangesIt() {
      assertThat(seeded().digest()).isNotEqualTo(new Inventory(LIMITS).digest());
    }

    @Test
    void aDifferentStockChangesIt() {
      Inventory a = seeded();
      Inventory b = seeded();
      b.apply(restock(1, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentCostChangesIt() {
      Inventory a = seeded();
      Inventory b = seeded();
      b.apply(new Update(null, 1, 0, 11L));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentTitleChangesIt() {
      Inventory a = new Inventory(LIMITS);
      a.apply(new Seed(List.of(new Book(1, "A", "t", 1, 1))));
      Inventory b = new Inventory(LIMITS);
      b.apply(new Seed(List.of(new Book(1, "B", "t", 1, 1))));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void anOutOfStockReservationChangesItThoughNoStockMoved() {
      Inventory a = seeded();
      Inventory b = seeded();
      b.apply(reserve("k", 2, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentRequestTimeChangesIt() {
      Inventory a = seeded();
      a.apply(new Reserve("k", 1, 1, 1L));
      Inventory b = seeded();
      b.apply(new Reserve("k", 1, 1, 2L));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentReservationKeyChangesIt() {
      Inventory a = seeded();
      a.apply(reserve("k1", 1, 1));
      Inventory b = seeded();
      b.apply(reserve("k2", 1, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aRememberedFailedUpdateChangesIt() {
      Inventory a = seeded();
      Inventory b = seeded();
      b.apply(new Update("u", 2, -1, null)); // conflict: only the remembered key differs
      assertThat(b.all()).isEqualTo(a.all());
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void theSameStockReachedByDifferentCountersChangesIt() {
      StockedBook plain = new StockedBook(NETWORKS, 5, 0, 0);
      StockedBook adjusted = new StockedBook(NETWORKS, 3, 2, 0);
      Inventory a = Inventory.restore(new Inventory.Snapshot(true, List.of(plain), List.of(), List.of()), LIMITS);
      Inventory b = Inventory.restore(new Inventory.Snapshot(true, List.of(adjusted), List.of(), List.of()), LIMITS);
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentOrderOfReservationsChangesIt() {
      Inventory a = seeded();
      a.apply(reserve("x", 3, 1));
      a.apply(reserve("y", 3, 1));
      Inventory b = seeded();
      b.apply(reserve("y", 3, 1));
      b.apply(reserve("x", 3, 1));
      assertThat(a.all()).isEqualTo(b.all());
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void refusedCommandsAndReplaysLeaveItUnchanged() {
      Inventory inv = after(history());
      String digest = inv.digest();
      inv.apply(seedCommand());
      inv.apply(reserve("a", 1, 2));
      inv.apply(reserve("a", 3, 2));
      inv.apply(reserve("z", 99, 1));
      inv.apply(reserve("", 1, 1));
      inv.apply(restock(1, -1000));
      inv.apply(new Update("u", 3, -4, 8L));
      assertThat(inv.digest()).isEqualTo(digest);
    }
  }

  // ------------------------------------------------------------------ snapshots

  @Nested
  class Snapshots {
    Inventory busy() {
      Inventory inv = seeded();
      inv.apply(reserve("a", 1, 2));
      inv.apply(reserve("b", 2, 1));
      inv.apply(new Update("u1", 3, -4, 8L));
      inv.apply(new Update("u2", 2, -1, null));
      inv.apply(restock(2, 3));
      inv.apply(reserve("c", 2, 2));
      return inv;
    }

    @Test
    void restoreGivesTheSameDigestAndState() {
      Inventory original = busy();
      Inventory restored = Inventory.restore(original.snapshot(), LIMITS);

      assertThat(restored.digest()).isEqualTo(original.digest());
      assertThat(restored.seeded()).isTrue();
      assertThat(restored.booksView()).isEqualTo(original.booksView());
      assertThat(restored.reservationsView()).isEqualTo(original.reservationsView());
      assertThat(restored.topics()).isEqualTo(original.topics());
      assertThat(restored.update("u1")).isEqualTo(original.update("u1"));
      assertThat(restored.update("u2")).isEqualTo(original.update("u2"));
    }

    @Test
    void restoreAnswersEveryQueryTheSame() {
      Inventory original = busy();
      Inventory restored = Inventory.restore(original.snapshot(), LIMITS);
      List<CatalogQuery> queries = List.of(new CatalogQuery.ItemQuery(1), new CatalogQuery.ItemQuery(99),
          new CatalogQuery.TopicQuery("distributed-systems"), new CatalogQuery.TopicQuery("none"),
          new CatalogQuery.AllQuery(), new CatalogQuery.ReservationQuery("a"),
          new CatalogQuery.ReservationQuery("missing"), new CatalogQuery.ReservationsAfterQuery(1, 10),
          new CatalogQuery.UpdateQuery("u1"), new CatalogQuery.UpdateQuery("missing"),
          new CatalogQuery.DigestQuery());
      for (CatalogQuery q : queries) {
        assertThat(CatalogQuery.answer(restored, q, 7)).as(q.toString()).isEqualTo(CatalogQuery.answer(original, q, 7));
      }
    }

    @Test
    void aRestoredInventoryContinuesIdentically() {
      Inventory original = busy();
      Inventory restored = Inventory.restore(original.snapshot(), LIMITS);
      List<CatalogCommand> more = List.of(reserve("a", 1, 2), reserve("a", 1, 1), reserve("d", 1, 3),
          reserve("e", 1, 3), new Update("u1", 3, -4, 8L), new Update("u3", 1, 1, null),
          new Update("u4", 1, 1, null), new Update("u1", 3, 1, null), restock(3, 1), seedCommand());

      for (CatalogCommand c : more) {
        Applied expected = original.apply(c);
        Applied actual = restored.apply(c);
        assertThat(actual).as(c.toString()).isEqualTo(expected);
        assertThat(restored.digest()).as(c.toString()).isEqualTo(original.digest());
      }
    }

    @Test
    void restoreKeepsTheWindowsEvictionOrder() {
      Inventory original = seeded();
      original.apply(new Update("u1", 1, 1, null));
      original.apply(new Update("u2", 1, 1, null));
      original.apply(new Update("u3", 1, 1, null));
      Inventory restored = Inventory.restore(original.snapshot(), LIMITS);

      restored.apply(new Update("u4", 1, 1, null));

      assertThat(restored.update("u1")).isEmpty();
      assertThat(restored.update("u2")).isPresent();
    }

    @Test
    void restoreContinuesTheSequenceNumbers() {
      Inventory restored = Inventory.restore(busy().snapshot(), LIMITS);
      assertThat(restored.apply(reserve("new", 3, 1)).reply().reservation().seq()).isEqualTo(4);
    }

    @Test
    void anEmptySnapshotRestoresAnUnseededInventory() {
      Inventory restored = Inventory.restore(new Inventory(LIMITS).snapshot(), LIMITS);
      assertThat(restored.seeded()).isFalse();
      assertThat(restored.digest()).isEqualTo(new Inventory(LIMITS).digest());
      assertThat(restored.apply(seedCommand()).reply().outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void theSnapshotIsNotChangedByLaterCommands() {
      Inventory inv = busy();
      Inventory.Snapshot snapshot = inv.snapshot();
      String digest = Inventory.restore(snapshot, LIMITS).digest();
      inv.apply(reserve("later", 3, 1));
      inv.apply(new Update("u9", 3, 1, null));
      assertThat(Inventory.restore(snapshot, LIMITS).digest()).isEqualTo(digest);
    }

    @Test
    void theSnapshotSurvivesAJsonRoundTripAsTheStateMachineStoresIt() {
      Inventory original = busy();
      byte[] json = Json.bytes(original.snapshot());
      Inventory restored = Inventory.restore(Json.read(json, Inventory.Snapshot.class), LIMITS);
      assertThat(restored.digest()).isEqualTo(original.digest());
      assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    }

    @Test
    void restoreRefusesABookThatDoesNotBalance() {
      StockedBook broken = new StockedBook(NETWORKS, 5, 0, 1);
      assertThatThrownBy(() -> Inventory.restore(new Inventory.Snapshot(true, List.of(broken), List.of(), List.of()),
          LIMITS)).isInstanceOf(IllegalStateException.class).hasMessageContaining("balance");
    }

    @Test
    void restoreRefusesReservationsThatAreNotDense() {
      Reservation second = new Reservation(2, "k", 1, 1, 10, Status.RESERVED, 0);
      assertThatThrownBy(() -> Inventory.restore(new Inventory.Snapshot(true, List.of(), List.of(second), List.of()),
          LIMITS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void restoreRefusesTwoReservationsWithOneKey() {
      Reservation one = new Reservation(1, "k", 1, 1, 10, Status.RESERVED, 0);
      Reservation two = new Reservation(2, "k", 1, 1, 10, Status.RESERVED, 0);
      assertThatThrownBy(() -> Inventory.restore(
          new Inventory.Snapshot(true, List.of(), List.of(one, two), List.of()), LIMITS))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  // ------------------------------------------------------------------ queries

  @Nested
  class Queries {
    @Test
    void anItemQueryAnswersTheBookWithTheVersion() {
      Inventory inv = seeded();
      assertThat(CatalogQuery.answer(inv, new CatalogQuery.ItemQuery(1), 12))
          .isEqualTo(new CatalogView(12, true, List.of(NETWORKS), null, null, null, null));
    }

    @Test
    void anUnknownItemAnswersNoBooks() {
      assertThat(CatalogQuery.answer(seeded(), new CatalogQuery.ItemQuery(99), 1).books()).isEmpty();
    }

    @Test
    void anUnseededInventoryAnswersSeededFalse() {
      CatalogView view = CatalogQuery.answer(new Inventory(LIMITS), new CatalogQuery.AllQuery(), 0);
      assertThat(view.seeded()).isFalse();
      assertThat(view.books()).isEmpty();
    }

    @Test
    void aTopicQueryAnswersItsBooksInIdOrder() {
      assertThat(CatalogQuery.answer(seeded(), new CatalogQuery.TopicQuery("distributed-systems"), 1).books())
          .containsExactly(NETWORKS, RAFT);
    }

    @Test
    void anAllQueryAnswersEveryBook() {
      assertThat(CatalogQuery.answer(seeded(), new CatalogQuery.AllQuery(), 1).books())
          .containsExactly(NETWORKS, RAFT, COOKING);
    }

    @Test
    void aReservationQueryAnswersTheReservationOfTheKey() {
      Inventory inv = seeded();
      Reservation r = inv.apply(reserve("k", 1, 1)).reply().reservation();
      assertThat(CatalogQuery.answer(inv, new CatalogQuery.ReservationQuery("k"), 3))
          .isEqualTo(new CatalogView(3, true, null, List.of(r), null, null, null));
      assertThat(CatalogQuery.answer(inv, new CatalogQuery.ReservationQuery("nope"), 3).reservations()).isEmpty();
    }

    @Test
    void aReservationsAfterQueryAnswersAPageAndTheCount() {
      Inventory inv = seeded();
      inv.apply(reserve("a", 3, 1));
      inv.apply(reserve("b", 3, 1));
      inv.apply(reserve("c", 3, 1));
      CatalogView view = CatalogQuery.answer(inv, new CatalogQuery.ReservationsAfterQuery(1, 1), 5);
      assertThat(view.reservations()).extracting(Reservation::key).containsExactly("b");
      assertThat(view.reservationCount()).isEqualTo(3);
    }

    @Test
    void anUpdateQueryAnswersTheRememberedUpdateOrNull() {
      Inventory inv = seeded();
      inv.apply(new Update("u", 1, 1, null));
      assertThat(CatalogQuery.answer(inv, new CatalogQuery.UpdateQuery("u"), 1).update())
          .isEqualTo(inv.update("u").orElseThrow());
      assertThat(CatalogQuery.answer(inv, new CatalogQuery.UpdateQuery("x"), 1).update()).isNull();
    }

    @Test
    void aDigestQueryAnswersTheDigestAndTheCount() {
      Inventory inv = seeded();
      inv.apply(reserve("a", 3, 1));
      assertThat(CatalogQuery.answer(inv, new CatalogQuery.DigestQuery(), 9))
          .isEqualTo(new CatalogView(9, true, null, null, null, inv.digest(), 1L));
    }

    @Test
    void viewsOfTheInternalsAreReadOnly() {
      Inventory inv = seeded();
      assertThatThrownBy(() -> inv.reservationsView().clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> inv.booksView().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  // ------------------------------------------------------------------ value types

  @Nested
  class ValueTypes {
    @Test
    void aBookNeedsAPositiveId() {
      assertThatThrownBy(() -> new Book(0, "T", "t", 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBookNeedsATitleOfOneToTwoHundredCharacters() {
      assertThatThrownBy(() -> new Book(1, null, "t", 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Book(1, "  ", "t", 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Book(1, "x".repeat(201), "t", 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThat(new Book(1, "x".repeat(200), "t", 1, 1).title()).hasSize(200);
    }

    @Test
    void aBookTopicIsLowercaseSlug() {
      assertThatThrownBy(() -> new Book(1, "T", "Cooking", 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Book(1, "T", "-x", 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Book(1, "T", "a b", 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Book(1, "T", "a".repeat(65), 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Book(1, "T", null, 1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThat(new Book(1, "T", "a".repeat(64), 1, 1).topic()).hasSize(64);
      assertThat(new Book(1, "T", "0a_b-c", 1, 1).topic()).isEqualTo("0a_b-c");
    }

    @Test
    void aBookHasNoNegativeCostOrStock() {
      assertThatThrownBy(() -> new Book(1, "T", "t", -1, 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Book(1, "T", "t", 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReservationRejectsMalformedFields() {
      assertThatThrownBy(() -> new Reservation(0, "k", 1, 1, 1, Status.RESERVED, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Reservation(1, null, 1, 1, 1, Status.RESERVED, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Reservation(1, "k", 0, 1, 1, Status.RESERVED, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Reservation(1, "k", 1, 0, 1, Status.RESERVED, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Reservation(1, "k", 1, 1, -1, Status.RESERVED, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Reservation(1, "k", 1, 1, 1, null, 0))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSeedCopiesItsBookList() {
      List<Book> books = new ArrayList<>(List.of(NETWORKS));
      Seed seed = new Seed(books);
      books.add(COOKING);
      assertThat(seed.books()).containsExactly(NETWORKS);
    }

    @Test
    void onlyOkIsOk() {
      for (Outcome o : Outcome.values()) {
        assertThat(new CatalogReply(o, "", null, null, false).ok()).isEqualTo(o == Outcome.OK);
      }
    }

    @Test
    void commandsRoundTripThroughJsonAsTheLogStoresThem() {
      for (CatalogCommand c : List.of(seedCommand(), new Reserve("k", 1, 2, 3), new Update("u", 1, -2, 5L),
          new Update(null, 1, 2, null))) {
        assertThat(Json.read(Json.bytes(c), CatalogCommand.class)).isEqualTo(c);
      }
    }
  }
}
