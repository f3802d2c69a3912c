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
  static final long RETENTION_MILLIS = 60_000;
  static final CatalogLimits LIMITS = new CatalogLimits(10, 1000, 10_000, 10, 16, RETENTION_MILLIS, 60_000);

  static final Book NETWORKS = new Book(1, "Networks", "distributed-systems", 10, 5);
  static final Book RAFT = new Book(2, "In Search of an Understandable Consensus Algorithm", "distributed-systems", 20, 0);
  static final Book COOKING = new Book(3, "Cooking", "cooking", 7, 100);

  static Seed seedCommand() {
    return new Seed(List.of(NETWORKS, RAFT, COOKING));
  }

  static StoredInventory seeded() {
    return seeded(LIMITS);
  }

  static StoredInventory seeded(CatalogLimits limits) {
    StoredInventory inv = new StoredInventory(limits);
    assertThat(inv.apply(seedCommand()).reply().outcome()).isEqualTo(Outcome.OK);
    return inv;
  }

  static Reserve reserve(String key, int item, int quantity) {
    return new Reserve(key, item, quantity, 1_000L);
  }

  static Update restock(int item, long delta) {
    return new Update(null, item, delta, null);
  }

  static long stock(StoredInventory inv, int item) {
    return inv.book(item).orElseThrow().stock();
  }

  // ------------------------------------------------------------------ seeding

  @Nested
  class SeedingInParts {
    Seed part(int part, boolean last, int... ids) {
      return new Seed(IntStream.of(ids).mapToObj(i -> new Book(i, "Book " + i, i % 2 == 0 ? "even" : "odd", i, i))
          .toList(), part, last);
    }

    @Test
    void partsApplyInOrderAndTheLastSeedsTheCatalog() {
      StoredInventory inv = new StoredInventory(LIMITS);
      assertThat(inv.apply(part(0, false, 1, 2)).reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(inv.seeded()).isFalse();
      assertThat(inv.meta().seedParts()).isEqualTo(1);
      assertThat(inv.apply(part(1, true, 3)).reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(inv.seeded()).isTrue();
      assertThat(inv.all()).extracting(Book::id).containsExactly(1, 2, 3);
      assertThat(inv.byTopic("odd")).extracting(Book::id).containsExactly(1, 3);
      assertThat(inv.verify()).isEmpty();
    }

    @Test
    void aPartAppliedBeforeIsAReplayAndChangesNothing() {
      StoredInventory inv = new StoredInventory(LIMITS);
      inv.apply(part(0, false, 1, 2));
      String digest = inv.digest();
      Applied again = inv.apply(part(0, false, 1, 2));
      assertThat(again.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(again.reply().replayed()).isTrue();
      assertThat(inv.digest()).isEqualTo(digest);
    }

    @Test
    void aPartAheadOfItsTurnIsRefused() {
      StoredInventory inv = new StoredInventory(LIMITS);
      assertThat(inv.apply(part(1, true, 3)).reply().outcome()).isEqualTo(Outcome.INVALID);
      assertThat(inv.all()).isEmpty();
    }

    @Test
    void aBookIdAnEarlierPartBroughtIsSkippedTheSameWayEverywhere() {
      StoredInventory inv = new StoredInventory(LIMITS);
      inv.apply(part(0, false, 1, 2));
      Applied applied = inv.apply(part(1, true, 2, 3));
      assertThat(applied.reply().message()).contains("1 duplicate ids skipped");
      assertThat(inv.book(2).orElseThrow().title()).isEqualTo("Book 2");
      assertThat(inv.meta().books()).isEqualTo(3);
    }

    @Test
    void partsPastMaxBooksAreRefused() {
      StoredInventory inv = new StoredInventory(LIMITS); // at most 10 books
      inv.apply(part(0, false, 1, 2, 3, 4, 5, 6, 7, 8, 9));
      assertThat(inv.apply(part(1, true, 10, 11)).reply().outcome()).isEqualTo(Outcome.INVALID);
      assertThat(inv.seeded()).isFalse();
    }

    @Test
    void aSeedEntryWrittenBeforePartsExistedIsTheWholeCatalog() {
      String json = "{\"type\":\"seed\",\"books\":[{\"id\":1,\"title\":\"A\",\"topic\":\"t\",\"cost\":1,"
          + "\"stock\":1}]}";
      Seed legacy = Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), CatalogCommand.class)
          instanceof Seed s ? s : null;
      assertThat(legacy).isNotNull();
      assertThat(legacy.part()).isZero();
      assertThat(legacy.finalPart()).isTrue();
      StoredInventory inv = new StoredInventory(LIMITS);
      inv.apply(legacy);
      assertThat(inv.seeded()).isTrue();
    }
  }

  @Nested
  class Seeding {
    @Test
    void aNewInventoryIsEmptyAndNotSeeded() {
      StoredInventory inv = new StoredInventory(LIMITS);
      assertThat(inv.seeded()).isFalse();
      assertThat(inv.all()).isEmpty();
      assertThat(inv.topics()).isEmpty();
      assertThat(inv.reservationCount()).isZero();
    }

    @Test
    void seedLoadsEveryBookAndReportsNoneChangedSinceNoneWasVisible() {
      StoredInventory inv = new StoredInventory(LIMITS);
      Applied applied = inv.apply(seedCommand());

      assertThat(applied.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(applied.reply().replayed()).isFalse();
      assertThat(applied.changed()).isEmpty();
      assertThat(inv.seeded()).isTrue();
      assertThat(inv.all()).containsExactly(NETWORKS, RAFT, COOKING);
      assertThat(inv.book(2)).contains(RAFT);
    }

    @Test
    void seedStartsEveryBookBalancedWithNoAdjustmentsOrSales() {
      StoredInventory inv = seeded();
      assertThat(inv.stocked(1)).contains(new StockedBook(NETWORKS, 5, 0, 0));
      assertThat(inv.stocked(3)).contains(new StockedBook(COOKING, 100, 0, 0));
    }

    @Test
    void booksAreIndexedByTopicInIdOrder() {
      StoredInventory inv = new StoredInventory(LIMITS);
      inv.apply(new Seed(List.of(RAFT, COOKING, NETWORKS)));

      assertThat(inv.byTopic("distributed-systems")).containsExactly(NETWORKS, RAFT);
      assertThat(inv.byTopic("cooking")).containsExactly(COOKING);
      assertThat(inv.byTopic("gardening")).isEmpty();
      assertThat(inv.topics()).containsExactly("cooking", "distributed-systems");
      assertThat(inv.all()).containsExactly(NETWORKS, RAFT, COOKING);
    }

    @Test
    void aSecondSeedIsRefusedAsAlreadySeededAndChangesNothing() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      assertThat(inv.apply(seedCommand()).reply().outcome()).isEqualTo(Outcome.ALREADY_SEEDED);
    }
  }

  // ------------------------------------------------------------------ reserving

  @Nested
  class Reserving {
    @Test
    void reserveInStockTakesTheStockAndRecordsAReservation() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      Applied applied = inv.apply(reserve("k1", 1, 5));
      assertThat(applied.reply().reservation().status()).isEqualTo(Status.RESERVED);
      assertThat(stock(inv, 1)).isZero();
    }

    @Test
    void reserveWithoutEnoughStockRecordsOutOfStockAndLeavesStockAlone() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      assertThat(inv.apply(reserve("k1", 2, 1)).reply().reservation().status()).isEqualTo(Status.OUT_OF_STOCK);
      assertThat(stock(inv, 2)).isZero();
    }

    @Test
    void replayingAKeyReturnsTheFirstOutcomeAndChangesNothing() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      inv.apply(new Reserve("k1", 1, 2, 100L));
      Applied replay = inv.apply(new Reserve("k1", 1, 2, 999L));
      assertThat(replay.reply().replayed()).isTrue();
      assertThat(replay.reply().reservation().requestedAtMillis()).isEqualTo(100L);
    }

    @Test
    void anOutOfStockReservationStaysOutOfStockWhenReplayedAfterARestock() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      inv.apply(reserve("k1", 1, 5));
      Applied replay = inv.apply(reserve("k1", 1, 5));
      assertThat(replay.reply().replayed()).isTrue();
      assertThat(replay.reply().reservation().status()).isEqualTo(Status.RESERVED);
      assertThat(stock(inv, 1)).isZero();
    }

    @Test
    void theSameKeyForADifferentItemIsKeyReused() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      inv.apply(reserve("k1", 1, 2));
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(stock(inv, 1)).isEqualTo(3);
    }

    @Test
    void theSameKeyIsKeyReusedEvenWhenTheFirstUseWasOutOfStock() {
      StoredInventory inv = seeded();
      inv.apply(reserve("k1", 2, 1));
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(stock(inv, 1)).isEqualTo(5);
    }

    @Test
    void reservingAnUnknownItemIsRefusedWithoutUsingASequenceNumber() {
      StoredInventory inv = seeded();
      Applied applied = inv.apply(reserve("k1", 42, 1));

      assertThat(applied.reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(applied.changed()).isEmpty();
      assertThat(inv.reservation("k1")).isEmpty();
      assertThat(inv.reservationCount()).isZero();
      assertThat(inv.apply(reserve("k2", 1, 1)).reply().reservation().seq()).isEqualTo(1);
    }

    @Test
    void aKeyRefusedForAnUnknownItemCanBeUsedLater() {
      StoredInventory inv = seeded();
      inv.apply(reserve("k1", 42, 1));
      Applied applied = inv.apply(reserve("k1", 1, 1));
      assertThat(applied.reply().replayed()).isFalse();
      assertThat(applied.reply().reservation().status()).isEqualTo(Status.RESERVED);
    }

    @Test
    void reservingBeforeTheSeedIsUnknownItem() {
      StoredInventory inv = new StoredInventory(LIMITS);
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(inv.reservationCount()).isZero();
    }

    @Test
    void reservationSequenceNumbersAreDenseFromOneAcrossBothStatuses() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      inv.apply(new Update(null, 1, 0, 99L));
      assertThat(inv.apply(reserve("k1", 1, 1)).reply().reservation().unitCost()).isEqualTo(99);
    }

  }

  // ------------------------------------------------------------------ batches

  @Nested
  class ReservingInBatches {
    @Test
    void aBatchAnswersEachReservationExactlyAsIfItWereAlone() {
      List<Reserve> reserves = List.of(reserve("a", 1, 2), reserve("b", 3, 1), reserve("c", 1, 4),
          reserve("d", 1, 3), reserve("a", 1, 2));
      StoredInventory batched = seeded();
      StoredInventory alone = seeded();

      Applied applied = batched.apply(new ReserveAll(reserves));

      List<CatalogReply> expected = reserves.stream().map(r -> alone.apply(r).reply()).toList();
      assertThat(applied.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(applied.reply().each()).isEqualTo(expected);
      assertThat(applied.reply().each()).extracting(r -> r.reservation().status())
          .containsExactly(Status.RESERVED, Status.RESERVED, Status.OUT_OF_STOCK, Status.RESERVED, Status.RESERVED);
      assertThat(applied.reply().each().get(4).replayed()).isTrue();
      assertThat(batched.digest()).isEqualTo(alone.digest());
      assertThat(batched.reservationsView()).isEqualTo(alone.reservationsView());
      assertThat(batched.booksView()).isEqualTo(alone.booksView());
    }

    @Test
    void changedBooksAppearOnceEachWithTheirStateAfterTheWholeBatch() {
      StoredInventory inv = seeded();
      Applied applied = inv.apply(new ReserveAll(List.of(reserve("a", 1, 1), reserve("b", 3, 5), reserve("c", 1, 2))));
      assertThat(applied.changed()).containsExactly(inv.book(1).orElseThrow(), inv.book(3).orElseThrow());
      assertThat(stock(inv, 1)).isEqualTo(2);
      assertThat(stock(inv, 3)).isEqualTo(95);
    }

    @Test
    void oneBadReservationIsRefusedAloneAndSpoilsNoOther() {
      StoredInventory inv = seeded();
      Applied applied = inv.apply(new ReserveAll(List.of(reserve("a", 1, 1), reserve("b", 99, 1),
          reserve("c", 1, 0), reserve("a", 3, 1), reserve("d", 1, 1))));
      assertThat(applied.reply().each()).extracting(CatalogReply::outcome).containsExactly(Outcome.OK,
          Outcome.UNKNOWN_ITEM, Outcome.INVALID, Outcome.KEY_REUSED, Outcome.OK);
      assertThat(stock(inv, 1)).isEqualTo(3);
      assertThat(inv.reservationCount()).isEqualTo(2);
    }

    @Test
    void anEmptyOrOversizedBatchIsRefusedBeforeLoggingAndChangesNothing() {
      Reserve one = reserve("k", 1, 1);
      List<Reserve> tooMany = java.util.Collections.nCopies(ReserveAll.MAX + 1, one);
      StoredInventory inv = seeded();
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
    StoredInventory withFiveReservations() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = withFiveReservations();
      assertThat(inv.reservationsAfter(5, 10)).isEmpty();
      assertThat(inv.reservationsAfter(6, 10)).isEmpty();
      assertThat(inv.reservationsAfter(Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void aNegativeStartOrANonPositiveLimitIsEmpty() {
      StoredInventory inv = withFiveReservations();
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
      StoredInventory inv = withFiveReservations();
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
      StoredInventory inv = withFiveReservations();
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
      StoredInventory inv = seeded();
      Applied applied = inv.apply(restock(1, 7));

      Book after = new Book(1, "Networks", "distributed-systems", 10, 12);
      assertThat(applied.reply()).isEqualTo(new CatalogReply(Outcome.OK, "updated", after, null, false));
      assertThat(applied.changed()).containsExactly(after);
      assertThat(inv.stocked(1)).contains(new StockedBook(after, 5, 7, 0));
    }

    @Test
    void aNegativeDeltaRemovesStock() {
      StoredInventory inv = seeded();
      inv.apply(restock(1, -3));
      assertThat(inv.stocked(1).orElseThrow()).extracting(s -> s.book().stock(), StockedBook::adjusted)
          .containsExactly(2L, -3L);
    }

    @Test
    void aNegativeDeltaMayEmptyTheStockExactly() {
      StoredInventory inv = seeded();
      assertThat(inv.apply(restock(1, -5)).reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(stock(inv, 1)).isZero();
    }

    @Test
    void aDeltaThatWouldMakeStockNegativeIsAStockConflictAndChangesNothing() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      assertThat(inv.apply(restock(3, 901)).reply().outcome()).isEqualTo(Outcome.STOCK_CONFLICT);
      assertThat(stock(inv, 3)).isEqualTo(100);
    }

    @Test
    void aDeltaReachingExactlyMaxStockIsAllowed() {
      StoredInventory inv = seeded();
      assertThat(inv.apply(restock(3, 900)).reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(stock(inv, 3)).isEqualTo(1000);
    }

    @Test
    void aCostOnlyUpdateChangesTheCostAndNotTheStock() {
      StoredInventory inv = seeded();
      Applied applied = inv.apply(new Update(null, 1, 0, 42L));

      Book after = new Book(1, "Networks", "distributed-systems", 42, 5);
      assertThat(applied.reply().book()).isEqualTo(after);
      assertThat(applied.changed()).containsExactly(after);
      assertThat(inv.stocked(1)).contains(new StockedBook(after, 5, 0, 0));
    }

    @Test
    void aCostMaySetToZero() {
      StoredInventory inv = seeded();
      inv.apply(new Update(null, 1, 0, 0L));
      assertThat(inv.book(1).orElseThrow().cost()).isZero();
    }

    @Test
    void stockAndCostChangeTogether() {
      StoredInventory inv = seeded();
      inv.apply(new Update(null, 1, 4, 11L));
      assertThat(inv.book(1)).contains(new Book(1, "Networks", "distributed-systems", 11, 9));
    }

    @Test
    void aStockConflictAlsoLeavesTheCostAlone() {
      StoredInventory inv = seeded();
      inv.apply(new Update(null, 1, -100, 11L));
      assertThat(inv.book(1)).contains(NETWORKS);
    }

    @Test
    void updatingAnUnknownItemIsRefused() {
      StoredInventory inv = seeded();
      Applied applied = inv.apply(restock(42, 1));
      assertThat(applied.reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(applied.changed()).isEmpty();
    }

    @Test
    void unkeyedUpdatesApplyEveryTime() {
      StoredInventory inv = seeded();
      inv.apply(restock(1, 1));
      Applied second = inv.apply(restock(1, 1));
      assertThat(second.reply().replayed()).isFalse();
      assertThat(stock(inv, 1)).isEqualTo(7);
    }

    @Test
    void stockBalancesAcrossSalesAndAdjustments() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      Applied applied = inv.apply(new Update("u1", 1, 2, null));
      assertThat(inv.update("u1")).contains(new UpdateRecord("u1", 1, 2, null, applied.reply(), 0));
    }

    @Test
    void replayingAKeyedUpdateReturnsTheFirstReplyAndAppliesOnce() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      inv.apply(new Update("u1", 2, -1, null)); // stock 0: conflict
      inv.apply(restock(2, 5));

      Applied replay = inv.apply(new Update("u1", 2, -1, null));

      assertThat(replay.reply().outcome()).isEqualTo(Outcome.STOCK_CONFLICT);
      assertThat(replay.reply().replayed()).isTrue();
      assertThat(stock(inv, 2)).isEqualTo(5);
    }

    @Test
    void aKeyedUpdateOfAnUnknownItemIsRememberedAndReplayed() {
      StoredInventory inv = seeded();
      inv.apply(new Update("u1", 42, 1, null));
      Applied replay = inv.apply(new Update("u1", 42, 1, null));
      assertThat(replay.reply().outcome()).isEqualTo(Outcome.UNKNOWN_ITEM);
      assertThat(replay.reply().replayed()).isTrue();
    }

    @Test
    void theSameKeyForADifferentItemIsKeyReused() {
      StoredInventory inv = seeded();
      inv.apply(new Update("u1", 1, 2, null));
      Applied reused = inv.apply(new Update("u1", 3, 2, null));
      assertThat(reused.reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(reused.changed()).isEmpty();
      assertThat(stock(inv, 3)).isEqualTo(100);
    }

    @Test
    void theSameKeyForADifferentDeltaIsKeyReused() {
      StoredInventory inv = seeded();
      inv.apply(new Update("u1", 1, 2, null));
      assertThat(inv.apply(new Update("u1", 1, 3, null)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(stock(inv, 1)).isEqualTo(7);
    }

    @Test
    void theSameKeyForADifferentCostIsKeyReused() {
      StoredInventory inv = seeded();
      inv.apply(new Update("u1", 1, 2, 5L));
      assertThat(inv.apply(new Update("u1", 1, 2, 6L)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(inv.apply(new Update("u1", 1, 2, null)).reply().outcome()).isEqualTo(Outcome.KEY_REUSED);
      assertThat(inv.book(1).orElseThrow().cost()).isEqualTo(5);
    }

    @Test
    void aKeyReusedAttemptDoesNotReplaceTheRememberedUpdate() {
      StoredInventory inv = seeded();
      Applied first = inv.apply(new Update("u1", 1, 2, null));
      inv.apply(new Update("u1", 1, 3, null));
      assertThat(inv.update("u1").orElseThrow().reply()).isEqualTo(first.reply());
    }

    @Test
    void anInvalidKeyedUpdateIsNotRemembered() {
      StoredInventory inv = seeded();
      inv.apply(new Update("u1", 1, 0, null)); // invalid: no change
      assertThat(inv.update("u1")).isEmpty();
      assertThat(inv.apply(new Update("u1", 1, 1, null)).reply().replayed()).isFalse();
    }

    @Test
    void reservationKeysAndUpdateKeysAreSeparateNamespaces() {
      StoredInventory inv = seeded();
      inv.apply(reserve("same", 1, 1));
      Applied update = inv.apply(new Update("same", 1, 1, null));
      assertThat(update.reply().outcome()).isEqualTo(Outcome.OK);
      assertThat(update.reply().replayed()).isFalse();
    }
  }

  // ------------------------------------------------------------------ key retention

  /** Keys are kept for RETENTION_MILLIS of log-clock time: the latest stamp any applied command carried. */
  @Nested
  class KeyRetention {
    Reserve at(String key, int item, long millis) {
      return new Reserve(key, item, 1, millis);
    }

    /** Moves the log clock with a reservation of another key. */
    void clockTo(StoredInventory inv, long millis) {
      inv.apply(new Reserve("clock-" + millis, 3, 1, millis));
    }

    @Test
    void aRetryWithinTheWindowReturnsTheFirstOutcome() {
      StoredInventory inv = seeded();
      Applied first = inv.apply(at("k", 1, 1_000));
      clockTo(inv, 1_000 + RETENTION_MILLIS - 1);
      Applied retry = inv.apply(at("k", 1, 1_000 + RETENTION_MILLIS - 1));
      assertThat(retry.reply().replayed()).isTrue();
      assertThat(retry.reply().reservation()).isEqualTo(first.reply().reservation());
    }

    @Test
    void afterTheWindowTheKeyIsNewAndReservesAgain() {
      StoredInventory inv = seeded();
      Applied first = inv.apply(at("k", 1, 1_000));
      clockTo(inv, 1_000 + RETENTION_MILLIS);
      assertThat(inv.reservation("k")).isEmpty();
      Applied again = inv.apply(at("k", 1, 1_000 + RETENTION_MILLIS));
      assertThat(again.reply().replayed()).isFalse();
      assertThat(again.reply().reservation().seq()).isGreaterThan(first.reply().reservation().seq());
      assertThat(stock(inv, 1)).isEqualTo(3);
    }

    @Test
    void afterTheWindowAKeyMayNameADifferentItem() {
      StoredInventory inv = seeded();
      inv.apply(at("k", 1, 1_000));
      clockTo(inv, 1_000 + RETENTION_MILLIS);
      assertThat(inv.apply(at("k", 3, 1_000 + RETENTION_MILLIS)).reply().outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void theWindowIsMeasuredOnTheLogClockNotOnTheRetrysOwnStamp() {
      StoredInventory inv = seeded();
      inv.apply(at("k", 1, 1_000));
      clockTo(inv, 1_000 + RETENTION_MILLIS); // another coordinator's later stamp moved the clock
      // A retry stamped by a coordinator whose clock lags still finds the key forgotten.
      assertThat(inv.apply(at("k", 1, 2_000)).reply().replayed()).isFalse();
    }

    @Test
    void anOldStampDoesNotMoveTheClockBack() {
      StoredInventory inv = seeded();
      clockTo(inv, 50_000);
      inv.apply(at("old", 1, 10));
      assertThat(inv.meta().clockMillis()).isEqualTo(50_000);
    }

    @Test
    void theRetentionIsCountedFromWhenTheCatalogFirstSawTheKey() {
      StoredInventory inv = seeded();
      clockTo(inv, 100_000);
      inv.apply(at("k", 1, 10)); // stamped long ago by a lagging clock: kept a full window from 100,000
      clockTo(inv, 100_000 + RETENTION_MILLIS - 1);
      assertThat(inv.reservation("k")).isPresent();
    }

    @Test
    void updateKeysExpireTheSameWay() {
      StoredInventory inv = seeded();
      inv.apply(new Update("u", 1, 1, null, 1_000L));
      assertThat(inv.apply(new Update("u", 1, 1, null, 2_000L)).reply().replayed()).isTrue();
      inv.apply(new Update("u2", 3, 1, null, 1_000 + RETENTION_MILLIS));
      assertThat(inv.update("u")).isEmpty();
      Applied again = inv.apply(new Update("u", 1, 1, null, 1_000 + RETENTION_MILLIS));
      assertThat(again.reply().replayed()).isFalse();
      assertThat(stock(inv, 1)).isEqualTo(7);
    }

    @Test
    void anUpdateWithoutAStampLeavesTheClockAlone() {
      StoredInventory inv = seeded();
      clockTo(inv, 7_000);
      inv.apply(new Update("u", 1, 1, null));
      assertThat(inv.meta().clockMillis()).isEqualTo(7_000);
      assertThat(inv.update("u").orElseThrow().stampMillis()).isEqualTo(7_000);
    }

    @Test
    void expiredKeysAreDeletedABoundedNumberPerEntry() {
      StoredInventory inv = seeded();
      int keys = Inventory.EXPIRIES_PER_ENTRY + 10;
      for (int i = 0; i < keys; i++) {
        inv.apply(new Update("u" + i, 1, 1, null, 1_000L));
      }
      inv.apply(new Update("later-1", 1, 1, null, 1_000 + RETENTION_MILLIS));
      assertThat(inv.verify()).isEmpty();
      assertThat(inv.store.latest().get(CatalogTables.updateKeyKey("u0"))).as("deleted first").isNull();
      List<String> left = IntStream.range(0, keys).mapToObj(i -> "u" + i)
          .filter(k -> inv.store.latest().get(CatalogTables.updateKeyKey(k)) != null).toList();
      assertThat(left).as("not deleted yet").hasSize(10);
      assertThat(left).allSatisfy(k -> assertThat(inv.update(k)).as("yet already forgotten").isEmpty());
      inv.apply(new Update("later-2", 1, 1, null, 1_000 + RETENTION_MILLIS));
      assertThat(left).allSatisfy(k -> assertThat(inv.store.latest().get(CatalogTables.updateKeyKey(k))).isNull());
      assertThat(inv.verify()).isEmpty();
    }

    @Test
    void aKeyUsedAgainAfterItsWindowIsNotDeletedByTheOldExpiry() {
      StoredInventory inv = seeded();
      inv.apply(at("k", 1, 1_000));
      long later = 1_000 + RETENTION_MILLIS;
      inv.apply(at("k", 1, later)); // a new reservation: the old expiry entry must not remove it
      clockTo(inv, later + 1);
      assertThat(inv.reservation("k").orElseThrow().requestedAtMillis()).isEqualTo(later);
      assertThat(inv.verify()).isEmpty();
    }

    @Test
    void aCommandStampedTooFarAheadOfTheLeadersClockIsRefusedBeforeLogging() {
      StoredInventory inv = seeded();
      long now = 1_000_000;
      assertThat(inv.rules.rejectBeforeLogging(inv.state(), at("k", 1, now + LIMITS.maxClockSkewMillis()), now))
          .isEmpty();
      assertThat(inv.rules.rejectBeforeLogging(inv.state(), at("k", 1, now + LIMITS.maxClockSkewMillis() + 1), now)
          .orElseThrow().outcome()).isEqualTo(Outcome.INVALID);
      assertThat(inv.rules.rejectBeforeLogging(inv.state(),
          new ReserveAll(List.of(at("a", 1, now), at("b", 1, now + 10 * LIMITS.maxClockSkewMillis()))), now))
          .isPresent();
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
      StoredInventory inv = seeded();
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
      StoredInventory inv = new StoredInventory(LIMITS);
      assertThat(inv.apply(new Seed(List.of())).reply().outcome()).isEqualTo(Outcome.INVALID);
      assertThat(inv.seeded()).isFalse();
    }
  }

  // ------------------------------------------------------------------ rejecting before logging

  @Nested
  class RejectBeforeLogging {
    @Test
    void aMalformedCommandIsRejectedAsInvalid() {
      StoredInventory inv = seeded();
      Reserve bad = reserve("", 1, 1);
      assertThat(inv.rejectBeforeLogging(bad))
          .contains(new CatalogReply(Outcome.INVALID, Inventory.validate(bad, LIMITS).orElseThrow(), null, null, false));
    }

    @Test
    void anUnknownItemIsRejectedOnceSeeded() {
      StoredInventory inv = seeded();
      assertThat(inv.rejectBeforeLogging(reserve("k", 42, 1))).hasValueSatisfying(
          r -> assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN_ITEM));
      assertThat(inv.rejectBeforeLogging(restock(42, 1))).hasValueSatisfying(
          r -> assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN_ITEM));
    }

    @Test
    void anUnknownItemMustBeLoggedBeforeTheSeedBecauseTheSeedMayBeAheadInTheLog() {
      StoredInventory inv = new StoredInventory(LIMITS);
      assertThat(inv.rejectBeforeLogging(reserve("k", 42, 1))).isEmpty();
      assertThat(inv.rejectBeforeLogging(restock(42, 1))).isEmpty();
    }

    @Test
    void validCommandsOnKnownItemsMustBeLogged() {
      StoredInventory inv = seeded();
      assertThat(inv.rejectBeforeLogging(reserve("k", 1, 1))).isEmpty();
      assertThat(inv.rejectBeforeLogging(reserve("k", 2, 1))).isEmpty(); // out of stock is decided in the log
      assertThat(inv.rejectBeforeLogging(restock(1, -100))).isEmpty(); // conflicts are decided in the log
      assertThat(inv.rejectBeforeLogging(new Update("u", 1, 0, 5L))).isEmpty();
    }

    @Test
    void aSeedIsLoggedEvenWhenSeededBecauseTheApplyAnswersAlreadySeeded() {
      assertThat(seeded().rejectBeforeLogging(seedCommand())).isEmpty();
      assertThat(new StoredInventory(LIMITS).rejectBeforeLogging(seedCommand())).isEmpty();
    }

    @Test
    void anInvalidSeedIsRejected() {
      assertThat(new StoredInventory(LIMITS).rejectBeforeLogging(new Seed(List.of()))).hasValueSatisfying(
          r -> assertThat(r.outcome()).isEqualTo(Outcome.INVALID));
    }

    @Test
    void rejectingChangesNothing() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
      assertThat(CacheKeys.affectedBy(inv.apply(reserve("k", 3, 1)).changed()))
          .containsExactly("item:3", "topic:cooking", "all");
    }

    @Test
    void commandsThatChangeNoVisibleStateChangeNoBooks() {
      StoredInventory inv = seeded();
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
      StoredInventory inv = seeded();
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

    StoredInventory after(List<CatalogCommand> commands) {
      StoredInventory inv = new StoredInventory(LIMITS);
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
      StoredInventory inv = after(history());
      assertThat(inv.digest()).isEqualTo(inv.digest());
    }

    @Test
    void seedingChangesIt() {
      assertThat(seeded().digest()).isNotEqualTo(new StoredInventory(LIMITS).digest());
    }

    @Test
    void aDifferentStockChangesIt() {
      StoredInventory a = seeded();
      StoredInventory b = seeded();
      b.apply(restock(1, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentCostChangesIt() {
      StoredInventory a = seeded();
      StoredInventory b = seeded();
      b.apply(new Update(null, 1, 0, 11L));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentTitleChangesIt() {
      StoredInventory a = new StoredInventory(LIMITS);
      a.apply(new Seed(List.of(new Book(1, "A", "t", 1, 1))));
      StoredInventory b = new StoredInventory(LIMITS);
      b.apply(new Seed(List.of(new Book(1, "B", "t", 1, 1))));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void anOutOfStockReservationChangesItThoughNoStockMoved() {
      StoredInventory a = seeded();
      StoredInventory b = seeded();
      b.apply(reserve("k", 2, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentRequestTimeChangesIt() {
      StoredInventory a = seeded();
      a.apply(new Reserve("k", 1, 1, 1L));
      StoredInventory b = seeded();
      b.apply(new Reserve("k", 1, 1, 2L));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentReservationKeyChangesIt() {
      StoredInventory a = seeded();
      a.apply(reserve("k1", 1, 1));
      StoredInventory b = seeded();
      b.apply(reserve("k2", 1, 1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aRememberedFailedUpdateChangesIt() {
      StoredInventory a = seeded();
      StoredInventory b = seeded();
      b.apply(new Update("u", 2, -1, null)); // conflict: only the remembered key differs
      assertThat(b.all()).isEqualTo(a.all());
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void theSameStockReachedByDifferentCountersChangesIt() {
      StoredInventory a = new StoredInventory(LIMITS);
      a.apply(new Seed(List.of(new Book(1, "Networks", "ds", 10, 5))));
      StoredInventory b = new StoredInventory(LIMITS);
      b.apply(new Seed(List.of(new Book(1, "Networks", "ds", 10, 3))));
      b.apply(restock(1, 2));
      assertThat(a.book(1)).isEqualTo(b.book(1));
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void aDifferentOrderOfReservationsChangesIt() {
      StoredInventory a = seeded();
      a.apply(reserve("x", 3, 1));
      a.apply(reserve("y", 3, 1));
      StoredInventory b = seeded();
      b.apply(reserve("y", 3, 1));
      b.apply(reserve("x", 3, 1));
      assertThat(a.all()).isEqualTo(b.all());
      assertThat(a.digest()).isNotEqualTo(b.digest());
    }

    @Test
    void refusedCommandsAndReplaysLeaveItUnchanged() {
      StoredInventory inv = after(history());
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
}
