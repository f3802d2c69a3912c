package io.pygmy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The inventory over generated histories: seeds, reserves (with replays, reused keys and unknown items),
 * keyed and unkeyed updates, and malformed commands, checked against the invariants and against a small
 * independent model of the rules.
 */
class InventoryProperties {
  /** Tight bounds so conflicts, capacity and eviction all happen in short histories. */
  static final CatalogLimits LIMITS = new CatalogLimits(5, 30, 50, 10, 16, 3, 25);
  static final int BOOKS = 3;

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<List<CatalogCommand>> histories() {
    Arbitrary<CatalogCommand> seed = Combinators.combine(
        Arbitraries.integers().between(0, 10).list().ofSize(BOOKS),
        Arbitraries.longs().between(0, 20).list().ofSize(BOOKS))
        .as((stocks, costs) -> {
          List<Book> books = new ArrayList<>();
          for (int i = 0; i < BOOKS; i++) {
            books.add(new Book(i + 1, "Book " + (i + 1), i % 2 == 0 ? "even" : "odd", costs.get(i), stocks.get(i)));
          }
          return new Seed(books);
        });
    Arbitrary<CatalogCommand> reserve = Combinators.combine(
        Arbitraries.integers().between(0, 9).map(i -> "r" + i),
        Arbitraries.integers().between(1, BOOKS + 1), // BOOKS + 1 is unknown
        Arbitraries.frequency(Tuple.of(12, 0), Tuple.of(1, 1))
            .flatMap(invalid -> invalid == 1 ? Arbitraries.of(0, 11) : Arbitraries.integers().between(1, 6)),
        Arbitraries.longs().between(0, 3))
        .as((key, item, quantity, at) -> new Reserve(key, item, quantity, at));
    Arbitrary<CatalogCommand> update = Combinators.combine(
        Arbitraries.integers().between(0, 5).map(i -> "u" + i).injectNull(0.4),
        Arbitraries.integers().between(1, BOOKS + 1),
        Arbitraries.longs().between(-12, 12),
        Arbitraries.longs().between(0, 60).injectNull(0.7))
        .as((key, item, delta, cost) -> new Update(key, item, delta, cost));
    // Group commits: a few reservations in one entry, sometimes an empty (malformed) batch.
    Arbitrary<CatalogCommand> reserveAll = reserve.map(r -> (Reserve) r).list().ofMinSize(0).ofMaxSize(4)
        .map(ReserveAll::new);
    Arbitrary<CatalogCommand> command = Arbitraries.frequencyOf(
        Tuple.of(1, seed),
        Tuple.of(12, reserve),
        Tuple.of(4, reserveAll),
        Tuple.of(6, update));
    // Most histories start with a seed; a few exercise commands that arrive before it.
    return Combinators.combine(seed.injectNull(0.05), command.list().ofMaxSize(80))
        .as((first, rest) -> {
          List<CatalogCommand> all = new ArrayList<>();
          if (first != null) {
            all.add(first);
          }
          all.addAll(rest);
          return all;
        });
  }

  // ------------------------------------------------------------------ invariants

  @Property(tries = 300)
  void stockIsNeverNegativeAndAlwaysBalances(@ForAll("histories") List<CatalogCommand> history) {
    Inventory inv = new Inventory(LIMITS);
    for (CatalogCommand c : history) {
      inv.apply(c);
      for (StockedBook s : inv.booksView().values()) {
        assertThat(s.book().stock()).as("stock of %s after %s", s.book().id(), c).isNotNegative();
        assertThat(s.book().stock()).as("balance of %s", s.book().id())
            .isEqualTo(s.initialStock() + s.adjusted() - s.sold());
        assertThat(s.book().stock()).isLessThanOrEqualTo(LIMITS.maxStock());
      }
    }
  }

  /** The leader invalidates what a command names when it appends it; that must cover what applying it changes. */
  @Property(tries = 300)
  void theBooksACommandNamesCoverEveryCacheEntryItsApplyChanges(@ForAll("histories") List<CatalogCommand> history) {
    Inventory inv = new Inventory(LIMITS);
    for (CatalogCommand c : history) {
      var named = CacheKeys.affectedBy(inv.booksNamedBy(c));
      Applied applied = inv.apply(c);
      assertThat(named).as("keys named by %s", c).containsAll(CacheKeys.affectedBy(applied.changed()));
    }
  }

  @Property(tries = 300)
  void reservedQuantitiesPerItemSumToItsSales(@ForAll("histories") List<CatalogCommand> history) {
    Inventory inv = new Inventory(LIMITS);
    history.forEach(inv::apply);
    Map<Integer, Long> reserved = new HashMap<>();
    for (Reservation r : inv.reservationsView()) {
      if (r.status() == Status.RESERVED) {
        reserved.merge(r.item(), (long) r.quantity(), Long::sum);
      }
    }
    for (StockedBook s : inv.booksView().values()) {
      assertThat(reserved.getOrDefault(s.book().id(), 0L)).as("book %s", s.book().id()).isEqualTo(s.sold());
    }
  }

  @Property(tries = 300)
  void reservationsAreDenseAndOnePerKey(@ForAll("histories") List<CatalogCommand> history) {
    Inventory inv = new Inventory(LIMITS);
    history.forEach(inv::apply);
    List<Reservation> all = inv.reservationsView();
    for (int i = 0; i < all.size(); i++) {
      Reservation r = all.get(i);
      assertThat(r.seq()).isEqualTo(i + 1L);
      assertThat(inv.reservation(r.key())).contains(r);
    }
    assertThat(all.stream().map(Reservation::key).distinct().count()).isEqualTo(all.size());
    assertThat(inv.reservationCount()).isLessThanOrEqualTo(LIMITS.maxReservations());
  }

  @Property(tries = 300)
  void aReplayedReserveAlwaysAnswersItsFirstReservation(@ForAll("histories") List<CatalogCommand> history) {
    Inventory inv = new Inventory(LIMITS);
    Map<String, Reservation> first = new HashMap<>();
    for (CatalogCommand c : history) {
      Applied applied = inv.apply(c);
      for (CatalogReply reply : applied.reply().replies()) {
        Reservation r = reply.reservation();
        if (r == null) {
          continue;
        }
        if (reply.replayed()) {
          assertThat(r).isEqualTo(first.get(r.key()));
          if (applied.reply().each() == null) {
            assertThat(applied.changed()).isEmpty();
          }
        } else {
          assertThat(first.put(r.key(), r)).as("a second fresh reservation for %s", r.key()).isNull();
        }
      }
    }
  }

  // ------------------------------------------------------------------ determinism

  @Property(tries = 300)
  void twoInventoriesFedTheSameHistoryAgree(@ForAll("histories") List<CatalogCommand> history) {
    Inventory a = new Inventory(LIMITS);
    Inventory b = new Inventory(LIMITS);
    for (CatalogCommand c : history) {
      assertThat(b.apply(c)).isEqualTo(a.apply(c));
    }
    assertThat(b.digest()).isEqualTo(a.digest());
    assertThat(b.snapshot()).isEqualTo(a.snapshot());
  }

  @Property(tries = 200)
  void aRestoredSnapshotContinuesIdentically(@ForAll("histories") List<CatalogCommand> history,
                                             @ForAll @IntRange(min = 0, max = 100) int cutPercent) {
    int cut = history.size() * cutPercent / 100;
    Inventory original = new Inventory(LIMITS);
    history.subList(0, cut).forEach(original::apply);
    Inventory.Snapshot snapshot = Json.read(Json.bytes(original.snapshot()), Inventory.Snapshot.class);
    Inventory restored = Inventory.restore(snapshot, LIMITS);
    assertThat(restored.digest()).isEqualTo(original.digest());

    for (CatalogCommand c : history.subList(cut, history.size())) {
      assertThat(restored.apply(c)).as("%s", c).isEqualTo(original.apply(c));
    }
    assertThat(restored.digest()).isEqualTo(original.digest());
  }

  @Property(tries = 200)
  void aDigestChangesWheneverTheSnapshotDoes(@ForAll("histories") List<CatalogCommand> history) {
    Inventory inv = new Inventory(LIMITS);
    Inventory.Snapshot before = inv.snapshot();
    String digestBefore = inv.digest();
    for (CatalogCommand c : history) {
      inv.apply(c);
      Inventory.Snapshot after = inv.snapshot();
      if (after.equals(before)) {
        assertThat(inv.digest()).as("unchanged state after %s", c).isEqualTo(digestBefore);
      } else {
        assertThat(inv.digest()).as("changed state after %s", c).isNotEqualTo(digestBefore);
      }
      before = after;
      digestBefore = inv.digest();
    }
  }

  // ------------------------------------------------------------------ against a model

  @Property(tries = 300)
  void everyOutcomeMatchesAnIndependentModel(@ForAll("histories") List<CatalogCommand> history) {
    Inventory inv = new Inventory(LIMITS);
    Model model = new Model();
    for (CatalogCommand c : history) {
      Applied applied = inv.apply(c);
      Model.Expected expected = model.apply(c);
      assertMatches(applied.reply(), expected, c);
      if (expected.each() != null) {
        assertThat(applied.reply().each()).as("replies of %s", c).hasSameSizeAs(expected.each());
        for (int i = 0; i < expected.each().size(); i++) {
          assertMatches(applied.reply().each().get(i), expected.each().get(i), c);
        }
      } else {
        assertThat(applied.reply().each()).as("replies of %s", c).isNull();
      }
      for (Map.Entry<Integer, Long> e : model.stock.entrySet()) {
        assertThat(inv.book(e.getKey()).orElseThrow().stock()).as("stock of %s after %s", e.getKey(), c)
            .isEqualTo(e.getValue());
      }
    }
  }

  private static void assertMatches(CatalogReply reply, Model.Expected expected, CatalogCommand c) {
    assertThat(reply.outcome()).as("outcome of %s", c).isEqualTo(expected.outcome());
    assertThat(reply.replayed()).as("replayed of %s", c).isEqualTo(expected.replayed());
    if (expected.status() != null) {
      assertThat(reply.reservation().status()).as("status of %s", c).isEqualTo(expected.status());
    }
  }

  /** The rules restated as plainly as possible, independent of the implementation's data structures. */
  static final class Model {
    record Expected(Outcome outcome, boolean replayed, Status status, List<Expected> each) {
      Expected(Outcome outcome, boolean replayed, Status status) {
        this(outcome, replayed, status, null);
      }
    }

    record Res(int item, int quantity, Status status) {}

    record Upd(int item, long delta, Long cost, Outcome outcome) {}

    boolean seeded;
    final Map<Integer, Long> stock = new HashMap<>();
    final Map<String, Res> reservations = new HashMap<>();
    final LinkedHashMap<String, Upd> updates = new LinkedHashMap<>();

    Expected apply(CatalogCommand c) {
      if (Inventory.validate(c, LIMITS).isPresent()) {
        return new Expected(Outcome.INVALID, false, null);
      }
      return switch (c) {
        case Seed s -> seed(s);
        case Reserve r -> reserve(r);
        case ReserveAll all -> new Expected(Outcome.OK, false, null, all.reserves().stream().map(this::apply).toList());
        case Update u -> update(u);
      };
    }

    private Expected seed(Seed s) {
      if (seeded) {
        return new Expected(Outcome.ALREADY_SEEDED, false, null);
      }
      seeded = true;
      s.books().forEach(b -> stock.put(b.id(), b.stock()));
      return new Expected(Outcome.OK, false, null);
    }

    private Expected reserve(Reserve r) {
      Res earlier = reservations.get(r.key());
      if (earlier != null) {
        return earlier.item() == r.item() && earlier.quantity() == r.quantity()
            ? new Expected(Outcome.OK, true, earlier.status())
            : new Expected(Outcome.KEY_REUSED, false, null);
      }
      if (!stock.containsKey(r.item())) {
        return new Expected(Outcome.UNKNOWN_ITEM, false, null);
      }
      if (reservations.size() >= LIMITS.maxReservations()) {
        return new Expected(Outcome.CAPACITY_EXHAUSTED, false, null);
      }
      long have = stock.get(r.item());
      Status status = have >= r.quantity() ? Status.RESERVED : Status.OUT_OF_STOCK;
      if (status == Status.RESERVED) {
        stock.put(r.item(), have - r.quantity());
      }
      reservations.put(r.key(), new Res(r.item(), r.quantity(), status));
      return new Expected(Outcome.OK, false, status);
    }

    private Expected update(Update u) {
      if (u.key() != null && updates.containsKey(u.key())) {
        Upd earlier = updates.get(u.key());
        boolean same = earlier.item() == u.item() && earlier.delta() == u.stockDelta()
            && java.util.Objects.equals(earlier.cost(), u.cost());
        return same ? new Expected(earlier.outcome(), true, null) : new Expected(Outcome.KEY_REUSED, false, null);
      }
      Outcome outcome;
      if (!stock.containsKey(u.item())) {
        outcome = Outcome.UNKNOWN_ITEM;
      } else {
        long after = stock.get(u.item()) + u.stockDelta();
        if (after < 0 || after > LIMITS.maxStock()) {
          outcome = Outcome.STOCK_CONFLICT;
        } else {
          stock.put(u.item(), after);
          outcome = Outcome.OK;
        }
      }
      if (u.key() != null) {
        updates.put(u.key(), new Upd(u.item(), u.stockDelta(), u.cost(), outcome));
        if (updates.size() > LIMITS.rememberedUpdateKeys()) {
          updates.remove(updates.keySet().iterator().next());
        }
      }
      return new Expected(outcome, false, null);
    }
  }
}
