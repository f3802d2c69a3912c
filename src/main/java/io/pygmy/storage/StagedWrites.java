package io.pygmy.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The writes of one apply batch, staged in memory over a base (the store's committed state): reads see
 * the batch's own writes first, so a core can read what it wrote earlier in the same entry. Nothing
 * reaches the base until {@link KeyValueStore#commit}; a batch that is dropped changed nothing.
 */
public final class StagedWrites implements KeyValues {
  /** Marks a staged delete. Compared by identity. */
  private static final byte[] DELETED = new byte[0];

  private final KeyValues base;
  private final TreeMap<byte[], byte[]> staged = new TreeMap<>(Arrays::compareUnsigned);

  public StagedWrites(KeyValues base) {
    this.base = base;
  }

  public void put(byte[] key, byte[] value) {
    if (key == null || value == null) {
      throw new IllegalArgumentException("null key or value");
    }
    staged.put(key.clone(), value.clone());
  }

  public void delete(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("null key");
    }
    staged.put(key.clone(), DELETED);
  }

  /** Staged puts and deletes. */
  public int size() {
    return staged.size();
  }

  public boolean isEmpty() {
    return staged.isEmpty();
  }

  /** Drops every staged write. */
  public void clear() {
    staged.clear();
  }

  /** Every staged write in key order: {@code value} is null for a delete. */
  public void forEach(BiConsumer<byte[], byte[]> write) {
    for (Map.Entry<byte[], byte[]> e : staged.entrySet()) {
      write.accept(e.getKey(), e.getValue() == DELETED ? null : e.getValue());
    }
  }

  @Override
  public byte[] get(byte[] key) {
    byte[] v = staged.get(key);
    if (v != null) {
      return v == DELETED ? null : v.clone();
    }
    return base.get(key);
  }

  @Override
  public List<Entry> scan(byte[] from, byte[] to, int limit, boolean descending) {
    if (limit <= 0 || Arrays.compareUnsigned(from, to) >= 0) {
      return List.of();
    }
    NavigableMap<byte[], byte[]> mine = staged.subMap(from, true, to, false);
    if (descending) {
      mine = mine.descendingMap();
    }
    // At most mine.size() base entries can be shadowed by staged ones, so this many always suffice.
    List<Entry> theirs = base.scan(from, to, saturatedAdd(limit, mine.size()), descending);
    List<Entry> out = new ArrayList<>(Math.min(limit, theirs.size() + mine.size()));
    Iterator<Map.Entry<byte[], byte[]>> a = mine.entrySet().iterator();
    Iterator<Entry> b = theirs.iterator();
    Map.Entry<byte[], byte[]> x = next(a);
    Entry y = b.hasNext() ? b.next() : null;
    while (out.size() < limit && (x != null || y != null)) {
      // c < 0: the staged entry comes first in scan order; an exhausted side always loses.
      int c = x == null ? 1 : y == null ? -1 : Arrays.compareUnsigned(x.getKey(), y.key());
      if (descending && x != null && y != null) {
        c = -c;
      }
      if (c <= 0) {
        if (x.getValue() != DELETED) {
          out.add(new Entry(x.getKey().clone(), x.getValue().clone()));
        }
        if (c == 0) {
          y = b.hasNext() ? b.next() : null;
        }
        x = next(a);
      } else {
        out.add(y);
        y = b.hasNext() ? b.next() : null;
      }
    }
    return out;
  }

  private static <T> T next(Iterator<T> it) {
    return it.hasNext() ? it.next() : null;
  }

  private static int saturatedAdd(int a, int b) {
    long sum = (long) a + b;
    return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
  }
}
