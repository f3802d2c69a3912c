package io.pygmy.catalog;

import io.pygmy.catalog.Inventory.StockedBook;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import io.pygmy.storage.StagedWrites;
import io.pygmy.storage.StorageException;
import io.pygmy.storage.Values;

/**
 * Where the inventory keeps what in the key-value store, and how each record is encoded. Pure: it reads
 * and writes only through {@link KeyValues} and {@link StagedWrites}.
 *
 * <pre>
 * 'M'                          -> CatalogMeta
 * 'B' id                       -> StockedBook
 * 'T' topic id                 -> (empty)   books of a topic, in id order
 * 'P' topic                    -> number of books of that topic
 * 'W' word id                  -> (empty)   title words, for title search
 * 'R' seq                      -> Reservation (kept for ever: the order tier reconciles from them)
 * 'K' key                      -> seq, stamp       reservation keys, until the retention window passes
 * 'U' key                      -> UpdateRecord     update keys, likewise
 * 'X' stamp kind key           -> (empty)   expiry queue of both, oldest first
 * </pre>
 */
final class CatalogTables {
  static final int META = 'M';
  static final int BOOK = 'B';
  static final int TOPIC = 'T';
  static final int TOPIC_COUNT = 'P';
  static final int WORD = 'W';
  static final int RESERVATION = 'R';
  static final int RESERVATION_KEY = 'K';
  static final int UPDATE_KEY = 'U';
  static final int EXPIRY = 'X';
  static final int KIND_RESERVATION = 'r';
  static final int KIND_UPDATE = 'u';
  private static final int FORMAT = 1;
  private static final byte[] EMPTY = new byte[0];

  /** A reservation key: which reservation it names, and the stamp its retention is counted from. */
  record KeyEntry(long seq, long stampMillis) {}

  private CatalogTables() {}

  // ---------------------------------------------------------------- keys

  static byte[] metaKey() {
    return new byte[] {(byte) META};
  }

  static byte[] bookKey(int id) {
    return Keys.of(BOOK).i32(id).build();
  }

  static byte[] topicKey(String topic, int id) {
    return Keys.of(TOPIC).text(topic).i32(id).build();
  }

  static byte[] topicPrefix(String topic) {
    return Keys.of(TOPIC).text(topic).build();
  }

  static byte[] topicCountKey(String topic) {
    return Keys.of(TOPIC_COUNT).text(topic).build();
  }

  static byte[] wordKey(String word, int id) {
    return Keys.of(WORD).text(word).i32(id).build();
  }

  static byte[] reservationKey(long seq) {
    return Keys.of(RESERVATION).i64(seq).build();
  }

  static byte[] reservationKeyKey(String key) {
    return Keys.of(RESERVATION_KEY).text(key).build();
  }

  static byte[] updateKeyKey(String key) {
    return Keys.of(UPDATE_KEY).text(key).build();
  }

  static byte[] expiryKey(long stampMillis, int kind, String key) {
    return Keys.of(EXPIRY).i64(stampMillis).tag(kind).text(key).build();
  }

  static byte[] table(int tag) {
    return new byte[] {(byte) tag};
  }

  // ---------------------------------------------------------------- meta

  static CatalogMeta meta(KeyValues kv) {
    byte[] v = kv.get(metaKey());
    if (v == null) {
      return CatalogMeta.EMPTY;
    }
    Values.Reader r = reader(v);
    return new CatalogMeta(r.bool(), r.varint(), r.varlong(), r.varlong(), r.zigzag(), r.i64(), r.i64(), r.i64(),
        r.i64());
  }

  static void putMeta(StagedWrites w, CatalogMeta m) {
    w.put(metaKey(), Values.writer().byteValue(FORMAT).bool(m.seeded()).varlong(m.seedParts()).varlong(m.books())
        .varlong(m.reservations()).zigzag(m.clockMillis()).i64(m.booksHash()).i64(m.reservationsHash())
        .i64(m.keysHash()).i64(m.updatesHash()).build());
  }

  // ---------------------------------------------------------------- books

  static StockedBook book(KeyValues kv, int id) {
    byte[] v = kv.get(bookKey(id));
    return v == null ? null : decodeBook(id, v);
  }

  static StockedBook decodeBook(int id, byte[] v) {
    Values.Reader r = reader(v);
    Book b = new Book(id, r.text(), r.text(), r.varlong(), r.varlong());
    return new StockedBook(b, r.varlong(), r.zigzag(), r.varlong());
  }

  static void putBook(StagedWrites w, StockedBook s) {
    Book b = s.book();
    w.put(bookKey(b.id()), Values.writer().byteValue(FORMAT).text(b.title()).text(b.topic()).varlong(b.cost())
        .varlong(b.stock()).varlong(s.initialStock()).zigzag(s.adjusted()).varlong(s.sold()).build());
  }

  static void indexBook(StagedWrites w, Book b) {
    w.put(topicKey(b.topic(), b.id()), EMPTY);
    byte[] countKey = topicCountKey(b.topic());
    byte[] count = w.get(countKey);
    w.put(countKey, Values.writer().varlong(count == null ? 1 : Values.reader(count).varlong() + 1).build());
    for (String word : TitleWords.of(b.title())) {
      w.put(wordKey(word, b.id()), EMPTY);
    }
  }

  // ---------------------------------------------------------------- reservations and keys

  static Reservation reservation(KeyValues kv, long seq) {
    byte[] v = kv.get(reservationKey(seq));
    return v == null ? null : decodeReservation(seq, v);
  }

  static Reservation decodeReservation(long seq, byte[] v) {
    Values.Reader r = reader(v);
    return new Reservation(seq, r.text(), r.varint(), r.varint(), r.varlong(),
        r.bool() ? Reservation.Status.RESERVED : Reservation.Status.OUT_OF_STOCK, r.zigzag());
  }

  static void putReservation(StagedWrites w, Reservation res) {
    w.put(reservationKey(res.seq()), Values.writer().byteValue(FORMAT).text(res.key()).varlong(res.item())
        .varlong(res.quantity()).varlong(res.unitCost()).bool(res.status() == Reservation.Status.RESERVED)
        .zigzag(res.requestedAtMillis()).build());
  }

  static KeyEntry keyEntry(KeyValues kv, String key) {
    byte[] v = kv.get(reservationKeyKey(key));
    if (v == null) {
      return null;
    }
    Values.Reader r = reader(v);
    return new KeyEntry(r.varlong(), r.zigzag());
  }

  static void putKeyEntry(StagedWrites w, String key, KeyEntry e) {
    w.put(reservationKeyKey(key), Values.writer().byteValue(FORMAT).varlong(e.seq()).zigzag(e.stampMillis()).build());
    w.put(expiryKey(e.stampMillis(), KIND_RESERVATION, key), EMPTY);
  }

  // ---------------------------------------------------------------- update keys

  static UpdateRecord update(KeyValues kv, String key) {
    byte[] v = kv.get(updateKeyKey(key));
    if (v == null) {
      return null;
    }
    Values.Reader r = reader(v);
    int item = r.varint();
    long delta = r.zigzag();
    Long cost = r.bool() ? r.varlong() : null;
    long stamp = r.zigzag();
    CatalogReply.Outcome outcome = CatalogReply.Outcome.valueOf(r.text());
    String message = r.text();
    Book book = null;
    if (r.bool()) {
      book = new Book(r.varint(), r.text(), r.text(), r.varlong(), r.varlong());
    }
    return new UpdateRecord(key, item, delta, cost, new CatalogReply(outcome, message, book, null, false), stamp);
  }

  static void putUpdate(StagedWrites w, UpdateRecord u) {
    Values.Writer out = Values.writer().byteValue(FORMAT).varlong(u.item()).zigzag(u.stockDelta())
        .bool(u.cost() != null);
    if (u.cost() != null) {
      out.varlong(u.cost());
    }
    CatalogReply reply = u.reply();
    out.zigzag(u.stampMillis()).text(reply.outcome().name()).text(reply.message()).bool(reply.book() != null);
    if (reply.book() != null) {
      Book b = reply.book();
      out.varlong(b.id()).text(b.title()).text(b.topic()).varlong(b.cost()).varlong(b.stock());
    }
    w.put(updateKeyKey(u.key()), out.build());
    w.put(expiryKey(u.stampMillis(), KIND_UPDATE, u.key()), EMPTY);
  }

  private static Values.Reader reader(byte[] v) {
    Values.Reader r = Values.reader(v);
    int format = r.byteValue();
    if (format != FORMAT) {
      throw new StorageException("unknown catalog record format " + format);
    }
    return r;
  }
}
