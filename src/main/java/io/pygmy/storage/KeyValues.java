package io.pygmy.storage;

import java.util.List;

/**
 * Ordered byte keys and their values: all the pure cores ({@code Inventory}, {@code OrderLog}) ever see of
 * storage. Keys compare as unsigned bytes, so big-endian numbers sort numerically. Implementations: a
 * consistent view of a {@link KeyValueStore}, and {@link StagedWrites} (one apply batch, reading its own
 * writes).
 */
public interface KeyValues {
  /** A key and its value. */
  record Entry(byte[] key, byte[] value) {}

  /** The value stored under {@code key}, or null. */
  byte[] get(byte[] key);

  /**
   * Up to {@code limit} entries with {@code from <= key < to}: ascending from {@code from}, or, when
   * {@code descending}, from the largest key below {@code to} down.
   */
  List<Entry> scan(byte[] from, byte[] to, int limit, boolean descending);

  default List<Entry> scan(byte[] from, byte[] to, int limit) {
    return scan(from, to, limit, false);
  }
}
