package io.pygmy.catalog;

import static io.pygmy.catalog.CatalogTables.KIND_RESERVATION;
import static io.pygmy.catalog.CatalogTables.KIND_UPDATE;

import io.pygmy.catalog.CatalogCommand.Reserve;
import io.pygmy.catalog.CatalogCommand.ReserveAll;
import io.pygmy.catalog.CatalogCommand.Seed;
import io.pygmy.catalog.CatalogCommand.Update;
import io.pygmy.catalog.CatalogReply.Outcome;
import io.pygmy.catalog.CatalogTables.KeyEntry;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import io.pygmy.storage.StagedWrites;
import io.pygmy.storage.StateHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rules of the store's stock, as a deterministic state machine over a key-value store: no I/O of its
 * own, no clocks, no threads. Every replica applies the same commands in the same order to the same
 * state and ends in the same state, which {@link CatalogReads#digest} summarises. The state itself lives
 * in the store ({@link CatalogTables} says where), so nothing here grows with books, orders or keys.
 *
 * <p>Invariants, asserted after every change: stock is never negative; for every book,
 * {@code stock == initialStock + adjusted - sold}; reservation sequence numbers are dense from 1; a live
 * key names exactly one reservation.
 *
 * <p>Idempotency keys are kept for {@link CatalogLimits#keyRetentionMillis()} of log-clock time: the
 * clock is the latest timestamp an applied command carried, so every replica forgets the same keys at
 * the same entry. A key past its window is treated as unknown at once and deleted a little later, at most
 * {@link #EXPIRIES_PER_ENTRY} per applied entry.
 */
public final class Inventory {
  /** Expired keys deleted per applied entry at most: bounded work per apply, and a backlog still drains. */
  static final int EXPIRIES_PER_ENTRY = 512;

  private final CatalogLimits limits;

  /** A book plus the counters that prove its stock: where it started, admin adjustments, and sales. */
  public record StockedBook(Book book, long initialStock, long adjusted, long sold) {
    boolean balanced() {
      return book.stock() >= 0 && book.stock() == initialStock + adjusted - sold;
    }

    String canonical() {
      return book.id() + "|" + book.title() + "|" + book.topic() + "|" + book.cost() + "|" + book.stock() + "|"
          + initialStock + "|" + adjusted + "|" + sold;
    }
  }

  /**
   * The result of applying one command: the reply, and the books whose visible state changed (none for a
   * seed part: no read is answered before the catalog is seeded, so no cache can hold a book before).
   */
  public record Applied(CatalogReply reply, List<Book> changed) {}

  public Inventory(CatalogLimits limits) {
    this.limits = Objects.requireNonNull(limits);
  }

  public CatalogLimits limits() {
    return limits;
  }

  // ---------------------------------------------------------------- commands

  /** Applies one command to {@code w}: never throws for any command, valid or not. */
  public Applied apply(StagedWrites w, CatalogCommand command) {
    Optional<String> invalid = validate(command, limits);
    if (invalid.isPresent()) {
      return new Applied(CatalogReply.failed(Outcome.INVALID, invalid.get()), List.of());
    }
    CatalogMeta before = CatalogTables.meta(w);
    Step step = new Step(w, before);
    Applied applied = switch (command) {
      case Seed seed -> step.seed(seed);
      case Reserve reserve -> step.reserve(reserve);
      case ReserveAll all -> step.reserveAll(all);
      case Update update -> step.update(update);
    };
    step.expire(EXPIRIES_PER_ENTRY);
    if (!step.meta.equals(before)) {
      CatalogTables.putMeta(w, step.meta);
    }
    return applied;
  }

  /**
   * A reply for a command that can be refused without logging it: malformed, naming a book that cannot
   * exist (books are only ever added by the seed), or stamped further ahead of {@code nowMillis} (the
   * leader's clock) than the allowed skew. Empty when the command must be logged.
   */
  public Optional<CatalogReply> rejectBeforeLogging(KeyValues kv, CatalogCommand command, long nowMillis) {
    Optional<String> invalid = validate(command, limits);
    if (invalid.isPresent()) {
      return Optional.of(CatalogReply.failed(Outcome.INVALID, invalid.get()));
    }
    long stamp = switch (command) {
      case Reserve r -> r.requestedAtMillis();
      case ReserveAll a -> a.reserves().stream().mapToLong(Reserve::requestedAtMillis).max().orElse(0);
      case Update u -> u.requestedAtMillis();
      case Seed s -> 0;
    };
    if (stamp > nowMillis + limits.maxClockSkewMillis()) {
      return Optional.of(CatalogReply.failed(Outcome.INVALID, "the command is stamped " + (stamp - nowMillis)
          + " ms ahead of the catalog leader's clock (at most " + limits.maxClockSkewMillis() + " allowed)"));
    }
    int item = switch (command) {
      case Reserve r -> r.item();
      case Update u -> u.item();
      case Seed s -> 0;
      // Each reservation is checked when applied and answered on its own; one bad one spoils no other.
      case ReserveAll a -> 0;
    };
    if (item != 0 && CatalogTables.meta(kv).seeded() && CatalogTables.book(kv, item) == null) {
      return Optional.of(CatalogReply.failed(Outcome.UNKNOWN_ITEM, "no book with id " + item));
    }
    return Optional.empty();
  }

  /**
   * The books {@code command} could change if it were applied now: a superset of what {@link #apply}
   * would report as changed, with the same ids and topics (topics never change once seeded). The leader
   * invalidates their cache entries when it appends the command, before it commits.
   */
  public List<Book> booksNamedBy(KeyValues kv, CatalogCommand command) {
    List<Integer> items = switch (command) {
      // A seed part brings new books, which no cache can hold yet (reads wait for the seed to finish).
      case Seed s -> List.of();
      case Reserve r -> List.of(r.item());
      case Update u -> List.of(u.item());
      case ReserveAll a -> a.reserves().stream().map(Reserve::item).distinct().toList();
    };
    List<Book> named = new ArrayList<>(items.size());
    for (int item : items) {
      StockedBook s = CatalogTables.book(kv, item);
      if (s != null) {
        named.add(s.book());
      }
    }
    return named;
  }

  /** Structural checks that need no state; the same on every replica. */
  public static Optional<String> validate(CatalogCommand command, CatalogLimits limits) {
    return switch (command) {
      case Seed seed -> validateSeed(seed, limits);
      case Reserve r -> {
        if (invalidKey(r.key(), limits)) {
          yield Optional.of("key must be 1.." + limits.maxKeyLength() + " printable characters");
        }
        if (r.item() <= 0) {
          yield Optional.of("item must be a positive integer");
        }
        if (r.quantity() < 1 || r.quantity() > limits.maxQuantityPerOrder()) {
          yield Optional.of("quantity must be in 1.." + limits.maxQuantityPerOrder());
        }
        yield r.requestedAtMillis() < 0 ? Optional.of("requestedAtMillis must not be negative") : Optional.empty();
      }
      // (Null entries cannot exist: the record's List.copyOf refuses them.)
      case ReserveAll a -> a.reserves().isEmpty() || a.reserves().size() > ReserveAll.MAX
          ? Optional.of("a batch holds 1.." + ReserveAll.MAX + " reservations") : Optional.empty();
      case Update u -> {
        if (u.key() != null && invalidKey(u.key(), limits)) {
          yield Optional.of("key must be 1.." + limits.maxKeyLength() + " printable characters");
        }
        if (u.item() <= 0) {
          yield Optional.of("item must be a positive integer");
        }
        if (Math.abs(u.stockDelta()) > limits.maxStock()) {
          yield Optional.of("stock delta must be within +-" + limits.maxStock());
        }
        if (u.cost() != null && (u.cost() < 0 || u.cost() > limits.maxCost())) {
          yield Optional.of("cost must be in 0.." + limits.maxCost());
        }
        if (u.stockDelta() == 0 && u.cost() == null) {
          yield Optional.of("an update needs a stock delta or a cost");
        }
        yield u.requestedAtMillis() < 0 ? Optional.of("requestedAtMillis must not be negative") : Optional.empty();
      }
    };
  }

  private static Optional<String> validateSeed(Seed seed, CatalogLimits limits) {
    int max = Math.min(limits.maxBooks(),
        seed.part() == 0 && seed.finalPart() ? Seed.MAX_BOOKS_ONE_PART : Seed.MAX_BOOKS);
    if (seed.books().isEmpty() || seed.books().size() > max) {
      return Optional.of("a seed part holds 1.." + max + " books");
    }
    if (seed.part() < 0) {
      return Optional.of("a seed part number must not be negative");
    }
    TreeSet<Integer> ids = new TreeSet<>();
    for (Book b : seed.books()) {
      if (!ids.add(b.id())) {
        return Optional.of("duplicate book id " + b.id());
      }
      if (b.stock() > limits.maxStock() || b.cost() > limits.maxCost()) {
        return Optional.of("book " + b.id() + " exceeds the stock or cost limit");
      }
    }
    return Optional.empty();
  }

  static boolean invalidKey(String key, CatalogLimits limits) {
    if (key == null || key.isEmpty() || key.length() > limits.maxKeyLength()) {
      return true;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return true;
      }
    }
    return false;
  }

  /** Whether a key stamped at {@code stampMillis} is still remembered when the log clock reads {@code clock}. */
  boolean live(long stampMillis, long clockMillis) {
    return clockMillis - stampMillis < limits.keyRetentionMillis();
  }

  static String canonical(Reservation r) {
    return r.seq() + "|" + r.key() + "|" + r.item() + "|" + r.quantity() + "|" + r.unitCost() + "|" + r.status()
        + "|" + r.requestedAtMillis();
  }

  static String canonical(String key, KeyEntry e) {
    return key + "|" + e.seq() + "|" + e.stampMillis();
  }

  static String canonical(UpdateRecord u) {
    return u.key() + "|" + u.item() + "|" + u.stockDelta() + "|" + u.cost() + "|" + u.reply().outcome() + "|"
        + u.stampMillis();
  }

  /** One command being applied: the batch and the meta record it will leave. */
  private final class Step {
    private final StagedWrites w;
    private CatalogMeta meta;

    Step(StagedWrites w, CatalogMeta meta) {
      this.w = w;
      this.meta = meta;
    }

    Applied seed(Seed seed) {
      if (meta.seeded()) {
        return new Applied(CatalogReply.failed(Outcome.ALREADY_SEEDED, "the catalog was seeded already"), List.of());
      }
      if (seed.part() < meta.seedParts()) {
        return new Applied(new CatalogReply(Outcome.OK, "seed part " + seed.part() + " applied before", null, null,
            true), List.of());
      }
      if (seed.part() > meta.seedParts()) {
        return new Applied(CatalogReply.failed(Outcome.INVALID, "seed part " + seed.part() + " arrived before part "
            + meta.seedParts()), List.of());
      }
      if (meta.books() + seed.books().size() > limits.maxBooks()) {
        return new Applied(CatalogReply.failed(Outcome.INVALID, "a catalog holds at most " + limits.maxBooks()
            + " books"), List.of());
      }
      long count = meta.books();
      long hash = meta.booksHash();
      List<Book> added = new ArrayList<>(seed.books().size());
      for (Book b : seed.books()) {
        if (CatalogTables.book(w, b.id()) != null) {
          continue; // a book id an earlier part brought: the first one stays, on every replica alike
        }
        StockedBook s = new StockedBook(b, b.stock(), 0, 0);
        CatalogTables.putBook(w, s);
        CatalogTables.indexBook(w, b);
        hash += StateHash.of(s.canonical());
        count++;
        added.add(b);
      }
      meta = meta.withSeed(seed.finalPart(), meta.seedParts() + 1, count, hash);
      String message = (seed.finalPart() ? "seeded " + count + " books" : "seed part " + seed.part() + ": "
          + added.size() + " books") + (added.size() < seed.books().size()
          ? " (" + (seed.books().size() - added.size()) + " duplicate ids skipped)" : "");
      // Nothing a reader can see changed: reads are refused until the last part, so no cache holds a book.
      return new Applied(new CatalogReply(Outcome.OK, message, null, null, false), List.of());
    }

    Applied reserve(Reserve r) {
      meta = meta.withClock(r.requestedAtMillis());
      KeyEntry known = CatalogTables.keyEntry(w, r.key());
      if (known != null && live(known.stampMillis(), meta.clockMillis())) {
        Reservation earlier = CatalogTables.reservation(w, known.seq());
        assert earlier != null && earlier.key().equals(r.key()) : "key " + r.key() + " names a missing reservation";
        if (earlier.item() != r.item() || earlier.quantity() != r.quantity()) {
          return new Applied(CatalogReply.failed(Outcome.KEY_REUSED, "key " + r.key() + " was used for "
              + earlier.quantity() + " of item " + earlier.item()), List.of());
        }
        return new Applied(new CatalogReply(Outcome.OK, "replayed", null, earlier, true), List.of());
      }
      StockedBook s = CatalogTables.book(w, r.item());
      if (s == null) {
        return new Applied(CatalogReply.failed(Outcome.UNKNOWN_ITEM, "no book with id " + r.item()), List.of());
      }
      long seq = meta.reservations() + 1;
      Book book = s.book();
      boolean inStock = book.stock() >= r.quantity();
      Reservation reservation = new Reservation(seq, r.key(), r.item(), r.quantity(), book.cost(),
          inStock ? Reservation.Status.RESERVED : Reservation.Status.OUT_OF_STOCK, r.requestedAtMillis());
      CatalogTables.putReservation(w, reservation);
      long keysHash = meta.keysHash();
      if (known != null) {
        keysHash -= StateHash.of(canonical(r.key(), known)); // the expired entry is replaced
      }
      KeyEntry entry = new KeyEntry(seq, meta.clockMillis());
      CatalogTables.putKeyEntry(w, r.key(), entry);
      meta = meta.withReservation(seq, StateHash.mix(meta.reservationsHash(), canonical(reservation)))
          .withKeysHash(keysHash + StateHash.of(canonical(r.key(), entry)));
      List<Book> changed = List.of();
      if (inStock) {
        StockedBook after = new StockedBook(book.withStock(book.stock() - r.quantity()), s.initialStock(),
            s.adjusted(), s.sold() + r.quantity());
        replaceBook(s, after);
        changed = List.of(after.book());
      }
      return new Applied(new CatalogReply(Outcome.OK, reservation.status().name(), changed.isEmpty() ? book
          : changed.get(0), reservation, false), changed);
    }

    Applied reserveAll(ReserveAll all) {
      List<CatalogReply> replies = new ArrayList<>(all.reserves().size());
      Map<Integer, Book> changed = new TreeMap<>();
      for (Reserve r : all.reserves()) {
        Optional<String> invalid = validate(r, limits);
        Applied one = invalid.isPresent()
            ? new Applied(CatalogReply.failed(Outcome.INVALID, invalid.get()), List.of()) : reserve(r);
        replies.add(one.reply());
        for (Book b : one.changed()) {
          changed.put(b.id(), b); // a later reservation of the same book leaves the newer state
        }
      }
      assert replies.size() == all.reserves().size();
      return new Applied(CatalogReply.ofAll(replies), List.copyOf(changed.values()));
    }

    Applied update(Update u) {
      meta = meta.withClock(u.requestedAtMillis());
      UpdateRecord earlier = u.key() == null ? null : CatalogTables.update(w, u.key());
      if (earlier != null && live(earlier.stampMillis(), meta.clockMillis())) {
        if (earlier.item() != u.item() || earlier.stockDelta() != u.stockDelta()
            || !Objects.equals(earlier.cost(), u.cost())) {
          return new Applied(CatalogReply.failed(Outcome.KEY_REUSED,
              "key " + u.key() + " was used for a different update"), List.of());
        }
        return new Applied(earlier.reply().asReplay(), List.of());
      }
      Applied applied = applyUpdate(u);
      if (u.key() != null) {
        long hash = meta.updatesHash();
        if (earlier != null) {
          hash -= StateHash.of(canonical(earlier));
        }
        UpdateRecord record = new UpdateRecord(u.key(), u.item(), u.stockDelta(), u.cost(), applied.reply(),
            meta.clockMillis());
        CatalogTables.putUpdate(w, record);
        meta = meta.withUpdatesHash(hash + StateHash.of(canonical(record)));
      }
      return applied;
    }

    private Applied applyUpdate(Update u) {
      StockedBook s = CatalogTables.book(w, u.item());
      if (s == null) {
        return new Applied(CatalogReply.failed(Outcome.UNKNOWN_ITEM, "no book with id " + u.item()), List.of());
      }
      Book book = s.book();
      long stockAfter = book.stock() + u.stockDelta();
      if (stockAfter < 0 || stockAfter > limits.maxStock()) {
        return new Applied(CatalogReply.failed(Outcome.STOCK_CONFLICT, "stock of book " + u.item() + " is "
            + book.stock() + "; a change of " + u.stockDelta() + " would leave " + stockAfter), List.of());
      }
      Book after = book.withStock(stockAfter);
      if (u.cost() != null) {
        after = after.withCost(u.cost());
      }
      replaceBook(s, new StockedBook(after, s.initialStock(), s.adjusted() + u.stockDelta(), s.sold()));
      return new Applied(new CatalogReply(Outcome.OK, "updated", after, null, false), List.of(after));
    }

    private void replaceBook(StockedBook before, StockedBook after) {
      assert after.balanced() : "stock of book " + after.book().id() + " does not balance: " + after;
      CatalogTables.putBook(w, after);
      meta = meta.withBooksHash(meta.booksHash() - StateHash.of(before.canonical()) + StateHash.of(after.canonical()));
    }

    /** Deletes up to {@code max} keys whose retention window has passed on the log clock. */
    void expire(int max) {
      long cutoff = meta.clockMillis() - limits.keyRetentionMillis(); // stamps at or below it are expired
      if (cutoff == Long.MIN_VALUE) {
        return;
      }
      byte[] from = CatalogTables.table(CatalogTables.EXPIRY);
      byte[] to = Keys.of(CatalogTables.EXPIRY).i64(cutoff + 1).build();
      for (KeyValues.Entry e : w.scan(from, to, max)) {
        Keys.Reader k = new Keys.Reader(e.key());
        long stamp = k.i64();
        int kind = k.tag();
        String key = k.text();
        w.delete(e.key());
        if (kind == KIND_RESERVATION) {
          KeyEntry entry = CatalogTables.keyEntry(w, key);
          if (entry != null && entry.stampMillis() == stamp) { // else the key was used again since
            w.delete(CatalogTables.reservationKeyKey(key));
            meta = meta.withKeysHash(meta.keysHash() - StateHash.of(canonical(key, entry)));
          }
        } else if (kind == KIND_UPDATE) {
          UpdateRecord u = CatalogTables.update(w, key);
          if (u != null && u.stampMillis() == stamp) {
            w.delete(CatalogTables.updateKeyKey(key));
            meta = meta.withUpdatesHash(meta.updatesHash() - StateHash.of(canonical(u)));
          }
        }
      }
    }
  }
}
