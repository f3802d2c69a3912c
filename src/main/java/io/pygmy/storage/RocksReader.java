package io.pygmy.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * Point reads and bounded scans of a {@link RocksStore}, either of the latest state ({@code snapshot} null)
 * or of one snapshot. Every call runs under the store's read gate, so it never touches a closed database.
 * A view's reader belongs to one thread at a time (like a RocksDB iterator): its owner closes it after its
 * last read; the store, when it closes, closes every reader under its write gate.
 */
final class RocksReader implements KeyValues {
  private final RocksStore store;
  private final RocksDB db;
  private final Snapshot snapshot;
  /** Shared by every get: a ReadOptions without bounds is only read by RocksDB, so threads may share it. */
  private final ReadOptions getOptions;
  private volatile boolean closed;

  RocksReader(RocksStore store, RocksDB db, Snapshot snapshot) {
    this.store = store;
    this.db = db;
    this.snapshot = snapshot;
    this.getOptions = new ReadOptions();
    if (snapshot != null) {
      getOptions.setSnapshot(snapshot);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    store.enter();
    try {
      requireUsable();
      return db.get(getOptions, key);
    } catch (RocksDBException e) {
      throw new StorageException("get failed: " + e.getMessage(), e);
    } finally {
      store.leave();
    }
  }

  @Override
  public List<Entry> scan(byte[] from, byte[] to, int limit, boolean descending) {
    if (limit <= 0 || Arrays.compareUnsigned(from, to) >= 0) {
      return List.of();
    }
    store.enter();
    // Bounds go to RocksDB itself, so the iterator stops at the range's edge instead of reading (and
    // caching) the blocks past it; they need their own ReadOptions, one per scan.
    try (Slice lower = new Slice(from);
        Slice upper = new Slice(to);
        ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper)) {
      requireUsable();
      if (snapshot != null) {
        options.setSnapshot(snapshot);
      }
      try (RocksIterator it = db.newIterator(options)) {
        List<Entry> out = new ArrayList<>(Math.min(limit, 64));
        if (descending) {
          it.seekToLast(); // with an upper bound: the largest key below it
        } else {
          it.seek(from);
        }
        while (it.isValid() && out.size() < limit) {
          out.add(new Entry(it.key(), it.value()));
          if (descending) {
            it.prev();
          } else {
            it.next();
          }
        }
        it.status(); // an iterator that stopped on an I/O error or corruption says so only here
        return out;
      }
    } catch (RocksDBException e) {
      throw new StorageException("scan failed: " + e.getMessage(), e);
    } finally {
      store.leave();
    }
  }

  /** Frees the shared options; the caller releases the snapshot. Idempotent. */
  void close() {
    closed = true;
    getOptions.close();
  }

  Snapshot snapshot() {
    return snapshot;
  }

  private void requireUsable() {
    store.requireOpen();
    if (closed) {
      throw new StorageException("the view is closed");
    }
  }
}
