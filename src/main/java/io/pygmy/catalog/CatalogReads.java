package io.pygmy.catalog;

import io.pygmy.catalog.CatalogTables.KeyEntry;
import io.pygmy.catalog.Inventory.StockedBook;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import io.pygmy.storage.StateHash;
import io.pygmy.storage.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads of the inventory's state: books by id, by topic and by title (in pages), reservations and
 * remembered keys, and the digest. Pure, like {@link Inventory}: everything comes from the
 * {@link KeyValues} passed in, a consistent view of one replica's store.
 */
public final class CatalogReads {
  /** Longest page any listing returns. */
  public static final int MAX_PAGE = 1000;

  private final Inventory rules;

  /** A page of books, in id order, and the cursor of the next page (null when this is the last). */
  public record BookPage(List<Book> books, String next) {}

  public CatalogReads(Inventory rules) {
    this.rules = rules;
  }

  public boolean seeded(KeyValues kv) {
    return CatalogTables.meta(kv).seeded();
  }

  public CatalogMeta meta(KeyValues kv) {
    return CatalogTables.meta(kv);
  }

  public Optional<Book> book(KeyValues kv, int id) {
    return stocked(kv, id).map(StockedBook::book);
  }

  public Optional<StockedBook> stocked(KeyValues kv, int id) {
    return Optional.ofNullable(CatalogTables.book(kv, id));
  }

  /** Books of a topic with ids above {@code afterId}, in id order; an unknown topic has none. */
  public BookPage byTopic(KeyValues kv, String topic, int afterId, int limit) {
    int n = clamp(limit);
    byte[] prefix = CatalogTables.topicPrefix(topic);
    List<KeyValues.Entry> ids = kv.scan(Keys.after(CatalogTables.topicKey(topic, afterId)),
        Keys.end(prefix), n + 1);
    List<Book> books = new ArrayList<>(Math.min(n, ids.size()));
    for (int i = 0; i < Math.min(n, ids.size()); i++) {
      Keys.Reader k = new Keys.Reader(ids.get(i).key());
      k.text();
      StockedBook s = CatalogTables.book(kv, k.i32());
      if (s != null) {
        books.add(s.book());
      }
    }
    return page(books, ids.size() > n);
  }

  /** Every book with an id above {@code afterId}, in id order. */
  public BookPage all(KeyValues kv, int afterId, int limit) {
    int n = clamp(limit);
    byte[] table = CatalogTables.table(CatalogTables.BOOK);
    List<KeyValues.Entry> rows = kv.scan(Keys.after(CatalogTables.bookKey(afterId)), Keys.end(table),
        n + 1);
    List<Book> books = new ArrayList<>(Math.min(n, rows.size()));
    for (int i = 0; i < Math.min(n, rows.size()); i++) {
      KeyValues.Entry e = rows.get(i);
      books.add(CatalogTables.decodeBook(new Keys.Reader(e.key()).i32(), e.value()).book());
    }
    return page(books, rows.size() > n);
  }

  /** Books whose titles match {@code query} (see {@link TitleSearch}), from {@code cursor} on. */
  public BookPage search(KeyValues kv, String query, String cursor, int limit) {
    return TitleSearch.run(kv, query, cursor, clamp(limit));
  }

  /** Every topic and how many books it has, in topic order. */
  public Map<String, Long> topics(KeyValues kv) {
    Map<String, Long> out = new LinkedHashMap<>();
    byte[] table = CatalogTables.table(CatalogTables.TOPIC_COUNT);
    for (KeyValues.Entry e : kv.scan(table, Keys.end(table), 10_000)) {
      out.put(new Keys.Reader(e.key()).text(), Values.reader(e.value()).varlong());
    }
    return out;
  }

  /** The reservation a key names while the key is remembered. */
  public Optional<Reservation> reservation(KeyValues kv, String key) {
    KeyEntry e = CatalogTables.keyEntry(kv, key);
    if (e == null || !rules.live(e.stampMillis(), CatalogTables.meta(kv).clockMillis())) {
      return Optional.empty();
    }
    return Optional.ofNullable(CatalogTables.reservation(kv, e.seq()));
  }

  /** Up to {@code limit} reservations with {@code seq > afterSeq}, in seq order. */
  public List<Reservation> reservationsAfter(KeyValues kv, long afterSeq, int limit) {
    if (afterSeq < 0 || afterSeq == Long.MAX_VALUE || limit <= 0) {
      return List.of();
    }
    byte[] table = CatalogTables.table(CatalogTables.RESERVATION);
    List<Reservation> out = new ArrayList<>();
    for (KeyValues.Entry e : kv.scan(CatalogTables.reservationKey(afterSeq + 1), Keys.end(table), limit)) {
      out.add(CatalogTables.decodeReservation(new Keys.Reader(e.key()).i64(), e.value()));
    }
    return out;
  }

  public long reservationCount(KeyValues kv) {
    return CatalogTables.meta(kv).reservations();
  }

  /** The remembered outcome of a keyed update while the key is remembered. */
  public Optional<UpdateRecord> update(KeyValues kv, String key) {
    UpdateRecord u = CatalogTables.update(kv, key);
    if (u == null || !rules.live(u.stampMillis(), CatalogTables.meta(kv).clockMillis())) {
      return Optional.empty();
    }
    return Optional.of(u);
  }

  /**
   * A hash of the whole state. Two replicas that applied the same log prefix report the same digest;
   * any difference in a book, a reservation or a remembered key changes it.
   */
  public String digest(KeyValues kv) {
    CatalogMeta m = CatalogTables.meta(kv);
    return StateHash.digest("seeded=" + m.seeded() + "|parts=" + m.seedParts() + "|books=" + m.books() + "/"
        + m.booksHash() + "|reservations=" + m.reservations() + "/" + m.reservationsHash() + "|keys=" + m.keysHash()
        + "|updates=" + m.updatesHash() + "|clock=" + m.clockMillis());
  }

  /**
   * Recomputes the meta record's counts and hashes from the records themselves (a full scan): the problems
   * found, none when the stored state is whole. Run on a checkpoint before it is installed, and by tests.
   */
  public List<String> verify(KeyValues kv) {
    return new CatalogVerifier(kv).run();
  }

  private static BookPage page(List<Book> books, boolean more) {
    return new BookPage(List.copyOf(books), more && !books.isEmpty()
        ? Integer.toString(books.get(books.size() - 1).id()) : null);
  }

  static int clamp(int limit) {
    return Math.max(1, Math.min(MAX_PAGE, limit));
  }
}
