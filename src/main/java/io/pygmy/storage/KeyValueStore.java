package io.pygmy.storage;

import java.nio.file.Path;

/**
 * An embedded, ordered, crash-safe key-value store: {@link RocksStore} in production, {@link MemoryStore}
 * in tests. One writer stages a batch ({@link #stage()}), the core reads and writes through it, and
 * {@link #commit} applies it atomically: after a crash the store holds every committed batch up to some
 * point and nothing of any later one. Readers open consistent views concurrently.
 *
 * <p>Commits are not fsync'd: the Raft log is the durability, and {@link #sync()} (at each Raft snapshot)
 * makes everything committed so far durable, so the log may be purged up to it.
 */
public interface KeyValueStore extends AutoCloseable {
  /** The latest committed state, read directly (no snapshot): for the single writer. */
  KeyValues latest();

  /** A new batch over {@link #latest()}; not thread-safe, one at a time. */
  default StagedWrites stage() {
    return new StagedWrites(latest());
  }

  /** Applies every write of {@code batch} atomically. */
  void commit(StagedWrites batch);

  /** A consistent view of the committed state; close it. */
  ReadView view();

  /** Makes every batch committed so far durable. */
  void sync();

  /**
   * Writes a consistent copy of the committed state into {@code target}, which must not exist yet
   * (hard links where the engine can), for a peer to install.
   */
  void checkpoint(Path target);

  /** Bytes the store takes on disk (approximate). */
  long diskBytes();

  @Override
  void close();
}
