package io.pygmy.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * The in-memory twin of {@link RocksStore} for unit and property tests: the same contract, nothing on
 * disk. A view copies the whole map, so it suits small test states only. Like RocksStore, reads through
 * {@link #latest()} or a view throw {@link StorageException} once the store (or the view) is closed.
 */
public final class MemoryStore implements KeyValueStore {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
  private final KeyValues latest = new MapReader(map, lock, this::isOpen);
  private volatile boolean closed;

  @Override
  public KeyValues latest() {
    return latest;
  }

  @Override
  public void commit(StagedWrites batch) {
    lock.writeLock().lock();
    try {
      requireOpen();
      batch.forEach((k, v) -> {
        if (v == null) {
          map.remove(k);
        } else {
          map.put(k.clone(), v.clone());
        }
      });
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public ReadView view() {
    lock.readLock().lock();
    try {
      requireOpen();
      TreeMap<byte[], byte[]> copy = new TreeMap<>(map);
      AtomicBoolean viewClosed = new AtomicBoolean();
      MapReader reader = new MapReader(copy, new ReentrantReadWriteLock(), () -> isOpen() && !viewClosed.get());
      return new ReadView() {
        @Override
        public byte[] get(byte[] key) {
          return reader.get(key);
        }

        @Override
        public List<Entry> scan(byte[] from, byte[] to, int limit, boolean descending) {
          return reader.scan(from, to, limit, descending);
        }

        @Override
        public void close() {
          viewClosed.set(true);
        }
      };
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void sync() {
    requireOpen();
  }

  @Override
  public void checkpoint(Path target) {
    throw new UnsupportedOperationException("an in-memory store has no checkpoint on disk");
  }

  @Override
  public long diskBytes() {
    return 0;
  }

  /** Entries held (tests). */
  public int size() {
    lock.readLock().lock();
    try {
      return map.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      closed = true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private boolean isOpen() {
    return !closed;
  }

  private void requireOpen() {
    if (closed) {
      throw new StorageException("the store is closed");
    }
  }

  private record MapReader(TreeMap<byte[], byte[]> map, ReentrantReadWriteLock lock, BooleanSupplier open)
      implements KeyValues {
    private void requireOpen() {
      if (!open.getAsBoolean()) {
        throw new StorageException("the store or view is closed");
      }
    }

    @Override
    public byte[] get(byte[] key) {
      lock.readLock().lock();
      try {
        requireOpen();
        byte[] v = map.get(key);
        return v == null ? null : v.clone();
      } finally {
        lock.readLock().unlock();
      }
    }

    @Override
    public List<Entry> scan(byte[] from, byte[] to, int limit, boolean descending) {
      if (limit <= 0 || Arrays.compareUnsigned(from, to) >= 0) {
        return List.of();
      }
      lock.readLock().lock();
      try {
        requireOpen();
        NavigableMap<byte[], byte[]> range = map.subMap(from, true, to, false);
        if (descending) {
          range = range.descendingMap();
        }
        List<Entry> out = new ArrayList<>(Math.min(limit, 64));
        for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
          if (out.size() >= limit) {
            break;
          }
          out.add(new Entry(e.getKey().clone(), e.getValue().clone()));
        }
        return out;
      } finally {
        lock.readLock().unlock();
      }
    }
  }
}
