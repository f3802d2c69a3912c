package io.pygmy.catalog;

import io.pygmy.catalog.CatalogCommand.Reserve;
import io.pygmy.catalog.CatalogCommand.ReserveAll;
import io.pygmy.catalog.CatalogCommand.Seed;
import io.pygmy.catalog.CatalogCommand.Update;
import io.pygmy.catalog.CatalogReply.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rules of the store's stock, as a deterministic state machine: no I/O, no clocks, no threads.
 * Every replica applies the same commands in the same order and ends in the same state, which
 * {@link #digest()} summarises.
 *
 * <p>Invariants, asserted after every change: stock is never negative; for every book,
 * {@code stock == initialStock + adjusted - sold}; reservation sequence numbers are dense from 1; one
 * key maps to at most one reservation.
 *
 * <p>Not thread-safe: the owner serialises access (the Raft apply thread writes, readers hold a lock).
 */
public final class Inventory {
  private final CatalogLimits limits;
  private boolean seeded;
  private final TreeMap<Integer, StockedBook> books = new TreeMap<>();
  private final TreeMap<String, TreeSet<Integer>> booksByTopic = new TreeMap<>();
  private final ArrayList<Reservation> reservations = new ArrayList<>();
  private final HashMap<String, Reservation> reservationsByKey = new HashMap<>();
  /** Insertion-ordered so the oldest key is forgotten first, the same way on every replica. */
  private final LinkedHashMap<String, UpdateRecord> updates = new LinkedHashMap<>();
  /** A running hash of the reservations, which are append-only, so it is a function of the state. */
  private long reservationsHash = FNV_OFFSET;

  /** A book plus the counters that prove its stock: where it started, admin adjustments, and sales. */
  public record StockedBook(Book book, long initialStock, long adjusted, long sold) {
    boolean balanced() {
      return book.stock() >= 0 && book.stock() == initialStock + adjusted - sold;
    }
  }

  /** The result of applying one command: the reply, and the books whose visible state changed. */
  public record Applied(CatalogReply reply, List<Book> changed) {}

  /** Everything needed to rebuild an identical inventory. */
  public record Snapshot(boolean seeded, List<StockedBook> books, List<Reservation> reservations,
                         List<UpdateRecord> updates) {}

  public Inventory(CatalogLimits limits) {
    this.limits = Objects.requireNonNull(limits);
  }

  // ---------------------------------------------------------------- commands

  public Applied apply(CatalogCommand command) {
    Optional<String> invalid = validate(command, limits);
    if (invalid.isPresent()) {
      return new Applied(CatalogReply.failed(Outcome.INVALID, invalid.get()), List.of());
    }
    Applied applied = switch (command) {
      case Seed seed -> seed(seed);
      case Reserve reserve -> reserve(reserve);
      case ReserveAll all -> reserveAll(all);
      case Update update -> update(update);
    };
    for (Book b : applied.changed()) {
      StockedBook s = books.get(b.id());
      assert s != null && s.balanced() : "stock of book " + b.id() + " does not balance: " + s;
    }
    return applied;
  }

  /**
   * A reply for a command that can be refused without logging it: malformed, or naming a book that
   * cannot exist (books are only ever added by the seed). Empty when the command must be logged.
   */
  public Optional<CatalogReply> rejectBeforeLogging(CatalogCommand command) {
    Optional<String> invalid = validate(command, limits);
    if (invalid.isPresent()) {
      return Optional.of(CatalogReply.failed(Outcome.INVALID, invalid.get()));
    }
    int item = switch (command) {
      case Reserve r -> r.item();
      case Update u -> u.item();
      case Seed s -> 0;
      // Each reservation is checked when applied and answered on its own; one bad one spoils no other.
      case ReserveAll a -> 0;
    };
    if (item != 0 && seeded && !books.containsKey(item)) {
      return Optional.of(CatalogReply.failed(Outcome.UNKNOWN_ITEM, "no book with id " + item));
    }
    return Optional.empty();
  }

  /**
   * The books {@code command} could change if it were applied now: a superset of what {@link #apply}
   * would report as changed, with the same ids and topics (topics never change once seeded). The leader
   * invalidates their cache entries when it appends the command, before it commits.
   */
  public List<Book> booksNamedBy(CatalogCommand command) {
    if (command instanceof Seed seed) {
      // A seed changes nothing once seeded; before that, it brings every book.
      return seeded ? List.of() : seed.books();
    }
    List<Integer> items = switch (command) {
      case Seed s -> List.of();
      case Reserve r -> List.of(r.item());
      case Update u -> List.of(u.item());
      case ReserveAll a -> a.reserves().stream().map(Reserve::item).distinct().toList();
    };
    List<Book> named = new ArrayList<>(items.size());
    for (int item : items) {
      book(item).ifPresent(named::add);
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
        yield Optional.empty();
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
        yield Optional.empty();
      }
    };
  }

  private static Optional<String> validateSeed(Seed seed, CatalogLimits limits) {
    if (seed.books().isEmpty() || seed.books().size() > limits.maxBooks()) {
      return Optional.of("a catalog holds 1.." + limits.maxBooks() + " books");
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

  private Applied seed(Seed seed) {
    if (seeded) {
      return new Applied(CatalogReply.failed(Outcome.ALREADY_SEEDED, "the catalog was seeded already"), List.of());
    }
    seeded = true;
    for (Book b : seed.books()) {
      books.put(b.id(), new StockedBook(b, b.stock(), 0, 0));
      booksByTopic.computeIfAbsent(b.topic(), t -> new TreeSet<>()).add(b.id());
    }
    return new Applied(new CatalogReply(Outcome.OK, "seeded " + books.size() + " books", null, null, false),
        List.copyOf(seed.books()));
  }

  private Applied reserve(Reserve r) {
    Reservation earlier = reservationsByKey.get(r.key());
    if (earlier != null) {
      if (earlier.item() != r.item() || earlier.quantity() != r.quantity()) {
        return new Applied(CatalogReply.failed(Outcome.KEY_REUSED,
            "key " + r.key() + " was used for " + earlier.quantity() + " of item " + earlier.item()), List.of());
      }
      return new Applied(new CatalogReply(Outcome.OK, "replayed", null, earlier, true), List.of());
    }
    StockedBook s = books.get(r.item());
    if (s == null) {
      return new Applied(CatalogReply.failed(Outcome.UNKNOWN_ITEM, "no book with id " + r.item()), List.of());
    }
    if (reservations.size() >= limits.maxReservations()) {
      return new Applied(CatalogReply.failed(Outcome.CAPACITY_EXHAUSTED,
          "the catalog holds its limit of " + limits.maxReservations() + " reservations"), List.of());
    }
    long seq = reservations.size() + 1L;
    Book book = s.book();
    boolean inStock = book.stock() >= r.quantity();
    Reservation reservation = new Reservation(seq, r.key(), r.item(), r.quantity(), book.cost(),
        inStock ? Reservation.Status.RESERVED : Reservation.Status.OUT_OF_STOCK, r.requestedAtMillis());
    reservations.add(reservation);
    reservationsByKey.put(r.key(), reservation);
    reservationsHash = mix(reservationsHash, canonical(reservation));
    List<Book> changed = List.of();
    if (inStock) {
      Book after = book.withStock(book.stock() - r.quantity());
      books.put(after.id(), new StockedBook(after, s.initialStock(), s.adjusted(), s.sold() + r.quantity()));
      changed = List.of(after);
    }
    assert reservations.size() == seq && reservations.get((int) seq - 1) == reservation;
    return new Applied(new CatalogReply(Outcome.OK, reservation.status().name(), changed.isEmpty() ? book
        : changed.get(0), reservation, false), changed);
  }

  private Applied reserveAll(ReserveAll all) {
    List<CatalogReply> replies = new ArrayList<>(all.reserves().size());
    Map<Integer, Book> changed = new TreeMap<>();
    for (Reserve r : all.reserves()) {
      Applied one = apply(r);
      replies.add(one.reply());
      for (Book b : one.changed()) {
        changed.put(b.id(), b); // a later reservation of the same book leaves the newer state
      }
    }
    assert replies.size() == all.reserves().size();
    return new Applied(CatalogReply.ofAll(replies), List.copyOf(changed.values()));
  }

  private Applied update(Update u) {
    if (u.key() != null) {
      UpdateRecord earlier = updates.get(u.key());
      if (earlier != null) {
        if (earlier.item() != u.item() || earlier.stockDelta() != u.stockDelta()
            || !Objects.equals(earlier.cost(), u.cost())) {
          return new Applied(CatalogReply.failed(Outcome.KEY_REUSED,
              "key " + u.key() + " was used for a different update"), List.of());
        }
        return new Applied(earlier.reply().asReplay(), List.of());
      }
    }
    Applied applied = applyUpdate(u);
    if (u.key() != null) {
      remember(new UpdateRecord(u.key(), u.item(), u.stockDelta(), u.cost(), applied.reply()));
    }
    return applied;
  }

  private Applied applyUpdate(Update u) {
    StockedBook s = books.get(u.item());
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
    books.put(after.id(), new StockedBook(after, s.initialStock(), s.adjusted() + u.stockDelta(), s.sold()));
    return new Applied(new CatalogReply(Outcome.OK, "updated", after, null, false), List.of(after));
  }

  private void remember(UpdateRecord record) {
    updates.put(record.key(), record);
    if (updates.size() > limits.rememberedUpdateKeys()) {
      String eldest = updates.keySet().iterator().next();
      updates.remove(eldest);
    }
    assert updates.size() <= limits.rememberedUpdateKeys();
  }

  // ---------------------------------------------------------------- queries

  public boolean seeded() {
    return seeded;
  }

  public Optional<Book> book(int id) {
    StockedBook s = books.get(id);
    return s == null ? Optional.empty() : Optional.of(s.book());
  }

  public Optional<StockedBook> stocked(int id) {
    return Optional.ofNullable(books.get(id));
  }

  /** Books of a topic in id order; an unknown topic has none. */
  public List<Book> byTopic(String topic) {
    TreeSet<Integer> ids = booksByTopic.get(topic);
    if (ids == null) {
      return List.of();
    }
    List<Book> out = new ArrayList<>(ids.size());
    for (int id : ids) {
      out.add(books.get(id).book());
    }
    return out;
  }

  public List<Book> all() {
    return books.values().stream().map(StockedBook::book).toList();
  }

  public List<String> topics() {
    return List.copyOf(booksByTopic.keySet());
  }

  public Optional<Reservation> reservation(String key) {
    return Optional.ofNullable(reservationsByKey.get(key));
  }

  /** Up to {@code limit} reservations with {@code seq > afterSeq}, in seq order. */
  public List<Reservation> reservationsAfter(long afterSeq, int limit) {
    if (afterSeq < 0 || limit <= 0 || afterSeq >= reservations.size()) {
      return List.of();
    }
    int from = (int) afterSeq;
    int to = (int) Math.min(reservations.size(), afterSeq + limit);
    return List.copyOf(reservations.subList(from, to));
  }

  public long reservationCount() {
    return reservations.size();
  }

  public Optional<UpdateRecord> update(String key) {
    return Optional.ofNullable(updates.get(key));
  }

  /**
   * A hash of the whole state. Two replicas that applied the same log prefix report the same digest;
   * any difference in a book, a reservation or a remembered update changes it.
   */
  public String digest() {
    MessageDigest sha = sha256();
    update(sha, "seeded=" + seeded);
    for (StockedBook s : books.values()) {
      Book b = s.book();
      update(sha, b.id() + "|" + b.title() + "|" + b.topic() + "|" + b.cost() + "|" + b.stock() + "|"
          + s.initialStock() + "|" + s.adjusted() + "|" + s.sold());
    }
    update(sha, "reservations=" + reservations.size() + "/" + reservationsHash);
    for (UpdateRecord u : updates.values()) {
      CatalogReply r = u.reply();
      update(sha, u.key() + "|" + u.item() + "|" + u.stockDelta() + "|" + u.cost() + "|" + r.outcome());
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  // ---------------------------------------------------------------- snapshots

  public Snapshot snapshot() {
    return new Snapshot(seeded, List.copyOf(books.values()), List.copyOf(reservations),
        List.copyOf(updates.values()));
  }

  public static Inventory restore(Snapshot snapshot, CatalogLimits limits) {
    Inventory inv = new Inventory(limits);
    inv.seeded = snapshot.seeded();
    for (StockedBook s : snapshot.books()) {
      if (!s.balanced()) {
        throw new IllegalStateException("snapshot book does not balance: " + s);
      }
      inv.books.put(s.book().id(), s);
      inv.booksByTopic.computeIfAbsent(s.book().topic(), t -> new TreeSet<>()).add(s.book().id());
    }
    for (Reservation r : snapshot.reservations()) {
      if (r.seq() != inv.reservations.size() + 1L || inv.reservationsByKey.put(r.key(), r) != null) {
        throw new IllegalStateException("snapshot reservations are not dense and unique at " + r.seq());
      }
      inv.reservations.add(r);
      inv.reservationsHash = mix(inv.reservationsHash, canonical(r));
    }
    for (UpdateRecord u : snapshot.updates()) {
      inv.updates.put(u.key(), u);
    }
    return inv;
  }

  public List<Reservation> reservationsView() {
    return Collections.unmodifiableList(reservations);
  }

  public Map<Integer, StockedBook> booksView() {
    return Collections.unmodifiableMap(books);
  }

  // ---------------------------------------------------------------- hashing

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** A stable text form for hashing; record toString() formats are not specified across JDKs. */
  static String canonical(Reservation r) {
    return r.seq() + "|" + r.key() + "|" + r.item() + "|" + r.quantity() + "|" + r.unitCost() + "|" + r.status()
        + "|" + r.requestedAtMillis();
  }

  static long mix(long hash, String text) {
    long h = hash;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= FNV_PRIME;
    }
    return h;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
  }
}
