package io.pygmy.order;

import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import io.pygmy.storage.StagedWrites;
import io.pygmy.storage.StorageException;
import io.pygmy.storage.Values;

/**
 * Where the order log keeps what in the key-value store, and how each record is encoded.
 *
 * <pre>
 * 'M'        -> OrderMeta
 * 'O' id     -> Order           kept for ever: the store's record of every buy
 * 'K' key    -> id              the newest order placed with that idempotency key
 * </pre>
 */
final class OrderTables {
  static final int META = 'M';
  static final int ORDER = 'O';
  static final int KEY = 'K';
  private static final int FORMAT = 1;

  private OrderTables() {}

  static byte[] metaKey() {
    return new byte[] {(byte) META};
  }

  static byte[] orderKey(long id) {
    return Keys.of(ORDER).i64(id).build();
  }

  static byte[] keyKey(String key) {
    return Keys.of(KEY).text(key).build();
  }

  static byte[] table(int tag) {
    return new byte[] {(byte) tag};
  }

  static OrderMeta meta(KeyValues kv) {
    byte[] v = kv.get(metaKey());
    if (v == null) {
      return OrderMeta.EMPTY;
    }
    Values.Reader r = reader(v);
    return new OrderMeta(r.varlong(), r.varlong(), r.varlong(), r.varlong(), r.i64(), r.zigzag());
  }

  static void putMeta(StagedWrites w, OrderMeta m) {
    w.put(metaKey(), Values.writer().byteValue(FORMAT).varlong(m.count()).varlong(m.confirmed())
        .varlong(m.rejected()).varlong(m.watermark()).i64(m.hash()).zigzag(m.clockMillis()).build());
  }

  static Order order(KeyValues kv, long id) {
    byte[] v = kv.get(orderKey(id));
    return v == null ? null : decodeOrder(id, v);
  }

  static Order decodeOrder(long id, byte[] v) {
    Values.Reader r = reader(v);
    String key = r.text();
    int item = r.varint();
    int quantity = r.varint();
    Order.Status status = r.bool() ? Order.Status.CONFIRMED : Order.Status.REJECTED;
    long unitCost = r.varlong();
    long totalCost = r.varlong();
    long catalogSeq = r.varlong();
    long placedAt = r.zigzag();
    return new Order(id, key, item, quantity, status, unitCost, totalCost, catalogSeq, placedAt);
  }

  static void putOrder(StagedWrites w, Order o) {
    w.put(orderKey(o.id()), Values.writer().byteValue(FORMAT).text(o.key()).varlong(o.item()).varlong(o.quantity())
        .bool(o.confirmed()).varlong(o.unitCost()).varlong(o.totalCost()).varlong(o.catalogSeq())
        .zigzag(o.placedAtMillis()).build());
  }

  /** The id of the newest order placed with {@code key}, or -1. */
  static long idForKey(KeyValues kv, String key) {
    byte[] v = kv.get(keyKey(key));
    return v == null ? -1 : reader(v).varlong();
  }

  static void putKey(StagedWrites w, String key, long id) {
    w.put(keyKey(key), Values.writer().byteValue(FORMAT).varlong(id).build());
  }

  private static Values.Reader reader(byte[] v) {
    Values.Reader r = Values.reader(v);
    int format = r.byteValue();
    if (format != FORMAT) {
      throw new StorageException("unknown order record format " + format);
    }
    return r;
  }
}
