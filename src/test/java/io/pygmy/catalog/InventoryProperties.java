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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The inventory over generated histories: seeds, reserves (with replays, reused keys and unknown items),
 * keyed and unkeyed updates, and malformed commands, checked against the invariants and against a small
 * independent model of the rules.
 */
class InventoryProperties {
  /** Tight bounds so conflicts, capacity and eviction all happen in short histories. */
  /** A window of a few ticks, so keys expire (and are reused) within short histories. */
  static final long RETENTION_MILLIS = 8;
  static final CatalogLimits LIMITS = new CatalogLimits(5, 30, 50, 10, 16, RETENTION_MILLIS, 60_000);
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
        Arbitraries.longs().between(0, 40))
        .as((key, item, quantity, at) -> new Reserve(key, item, quantity, at));
    Arbitrary<CatalogCommand> update = Combinators.combine(
        Arbitraries.integers().between(0, 5).map(i -> "u" + i).injectNull(0.4),
        Arbitraries.integers().between(1, BOOKS + 1),
        Arbitraries.longs().between(-12, 12),
        Arbitraries.longs().between(0, 60).injectNull(0.7),
        Arbitraries.longs().between(0, 40))
        .as((key, item, delta, cost, at) -> new Update(key, item, delta, cost, at));
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
    StoredInventory inv = new StoredInventory(LIMITS);
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
    StoredInventory inv = new StoredInventory(LIMITS);
    for (CatalogCommand c : history) {
      var named = CacheKeys.affectedBy(inv.booksNamedBy(c));
      Applied applied = inv.apply(c);
      assertThat(named).as("keys named by %s", c).containsAll(CacheKeys.affectedBy(applied.changed()));
    }
  }

  @Property(tries = 300)
  void reservedQuantitiesPerItemSumToItsSales(@ForAll("histories") List<CatalogCommand> history) {
    StoredInventory inv = new StoredInventory(LIMITS);
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
    StoredInventory inv = new StoredInventory(LIMITS);
    history.forEach(inv::apply);
    List<Reservation> all = inv.reservationsView();
    for (int i = 0; i < all.size(); i++) {
      Reservation r = all.get(i);
      assertThat(r.seq()).isEqualTo(i + 1L);
    }
    for (Reservation r : all) {
      inv.reservation(r.key()).ifPresent(live -> assertThat(live.seq()).as("key %s", r.key())
          .isGreaterThanOrEqualTo(r.seq()));
    }
    assertThat(inv.reservationCount()).isEqualTo(all.size());
  }

  @Property(tries = 300)
  void theStoredCountersAndHashesAlwaysMatchTheRecords(@ForAll("histories") List<CatalogCommand> history) {
    StoredInventory inv = new StoredInventory(LIMITS);
    for (CatalogCommand c : history) {
      inv.apply(c);
      assertThat(inv.verify()).as("after %s", c).isEmpty();
    }
  }

  @Property(tries = 300)
  void aReplayedReserveAlwaysAnswersItsFirstReservation(@ForAll("histories") List<CatalogCommand> history) {
    StoredInventory inv = new StoredInventory(LIMITS);
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
          first.put(r.key(), r); // a fresh reservation: the key was new, or its window had passed
        }
      }
    }
  }

  // ------------------------------------------------------------------ determinism

  @Property(tries = 300)
  void twoInventoriesFedTheSameHistoryAgree(@ForAll("histories") List<CatalogCommand> history) {
    StoredInventory a = new StoredInventory(LIMITS);
    StoredInventory b = new StoredInventory(LIMITS);
    for (CatalogCommand c : history) {
      assertThat(b.apply(c)).isEqualTo(a.apply(c));
    }
    assertThat(b.digest()).isEqualTo(a.digest());
    assertThat(dump(b)).isEqualTo(dump(a));
  }

  @Property(tries = 200)
  void aDigestChangesWheneverTheStateDoes(@ForAll("histories") List<CatalogCommand> history) {
    StoredInventory inv = new StoredInventory(LIMITS);
    List<String> before = dump(inv);
    String digestBefore = inv.digest();
    for (CatalogCommand c : history) {
      inv.apply(c);
      List<String> after = dump(inv);
      if (after.equals(before)) {
        assertThat(inv.digest()).as("unchanged state after %s", c).isEqualTo(digestBefore);
      } else {
        assertThat(inv.digest()).as("changed state after %s", c).isNotEqualTo(digestBefore);
      }
      before = after;
      digestBefore = inv.digest();
    }
  }

  /** Every stored entry but the expiry queue (derived: it only says when to delete keys the digest covers). */
  static List<String> dump(StoredInventory inv) {
    List<String> out = new ArrayList<>();
    for (var e : inv.state().scan(new byte[] {0}, new byte[] {(byte) 0xff}, Integer.MAX_VALUE)) {
      if (e.key()[0] != CatalogTables.EXPIRY) {
        out.add(java.util.HexFormat.of().formatHex(e.key()) + "=" + java.util.HexFormat.of().formatHex(e.value()));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ against a model

  @Property(tries = 300)
  void everyOutcomeMatchesAnIndependentModel(@ForAll("histories") List<CatalogCommand> history) {
    StoredInventory inv = new StoredInventory(LIMITS);
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
    long clock;
    final Map<Integer, Long> stock = new HashMap<>();
    final Map<String, Res> reservations = new HashMap<>();
    final Map<String, Long> reservationStamps = new HashMap<>();
    final Map<String, Upd> updates = new HashMap<>();
    final Map<String, Long> updateStamps = new HashMap<>();

    /** A key is remembered for RETENTION_MILLIS of log clock from when it was first seen. */
    boolean remembered(Map<String, Long> stamps, String key) {
      Long stamp = stamps.get(key);
      return stamp != null && clock - stamp < RETENTION_MILLIS;
    }

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
      clock = Math.max(clock, r.requestedAtMillis());
      Res earlier = remembered(reservationStamps, r.key()) ? reservations.get(r.key()) : null;
      if (earlier != null) {
        return earlier.item() == r.item() && earlier.quantity() == r.quantity()
            ? new Expected(Outcome.OK, true, earlier.status())
            : new Expected(Outcome.KEY_REUSED, false, null);
      }
      if (!stock.containsKey(r.item())) {
        return new Expected(Outcome.UNKNOWN_ITEM, false, null);
      }
      long have = stock.get(r.item());
      Status status = have >= r.quantity() ? Status.RESERVED : Status.OUT_OF_STOCK;
      if (status == Status.RESERVED) {
        stock.put(r.item(), have - r.quantity());
      }
      reservations.put(r.key(), new Res(r.item(), r.quantity(), status));
      reservationStamps.put(r.key(), clock);
      return new Expected(Outcome.OK, false, status);
    }

    private Expected update(Update u) {
      clock = Math.max(clock, u.requestedAtMillis());
      if (u.key() != null && remembered(updateStamps, u.key())) {
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
        updateStamps.put(u.key(), clock);
      }
      return new Expected(outcome, false, null);
    }
  }
}
