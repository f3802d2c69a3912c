package io.pygmy.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompressionType;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The {@link KeyValueStore} on RocksDB: one database, one column family, one atomic {@link WriteBatch} per
 * commit. Commits go to the WAL without fsync: the WAL write is a system call, so a killed process loses
 * nothing committed; an OS crash may lose the tail, which the Raft log replays. {@link #sync()} makes
 * it durable; RocksDB syncs the WAL in the background every {@link #WAL_BYTES_PER_SYNC}, so sync() has
 * little left to do.
 *
 * <p>Thread-safety: one writer ({@link #commit}) and any number of readers; {@link #close()} waits for the
 * calls in progress (a read/write gate), then every later call throws {@link StorageException}.
 */
public final class RocksStore implements KeyValueStore {
  /** Background WAL and SST syncing: bounds the data a sync() or a flush has to wait for. */
  static final long WAL_BYTES_PER_SYNC = 512 * 1024;

  static {
    RocksDB.loadLibrary();
  }

  /**
   * Memory and thread bounds of one store.
   *
   * @param blockCacheBytes LRU cache for data, index and filter blocks, which also holds the memtables'
   *     reservations: the store's memory is about this much
   * @param writeBufferBytes all memtables together (charged to the block cache, so at most its size)
   * @param maxBackgroundJobs flush and compaction threads
   */
  public record Limits(long blockCacheBytes, long writeBufferBytes, int maxBackgroundJobs) {
    public Limits {
      if (blockCacheBytes < 1 << 20 || writeBufferBytes < 1 << 20 || writeBufferBytes > blockCacheBytes) {
        throw new IllegalArgumentException(
            "need 1 MiB <= writeBufferBytes <= blockCacheBytes, got " + writeBufferBytes + ", " + blockCacheBytes);
      }
      if (maxBackgroundJobs < 1) {
        throw new IllegalArgumentException("maxBackgroundJobs must be >= 1");
      }
    }

    /**
     * Six stores share a 2-core box: 16 MiB each (~100 MiB for all), half of it memtables (two of 4 MiB:
     * one filling while the other flushes); 2 background jobs = one flush and one compaction thread.
     */
    public static Limits defaults() {
      return new Limits(16L << 20, 8L << 20, 2);
    }
  }

  private final Path dir;
  private final RocksDB db;
  private final Options options;
  private final LRUCache cache;
  private final WriteBufferManager writeBuffers;
  private final BloomFilter bloom;
  private final WriteOptions writeOptions;
  private final RocksReader latest;
  private final Set<RocksReader> openViews = ConcurrentHashMap.newKeySet();
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private RocksStore(Path dir, RocksDB db, Options options, LRUCache cache, WriteBufferManager writeBuffers,
      BloomFilter bloom) {
    this.dir = dir;
    this.db = db;
    this.options = options;
    this.cache = cache;
    this.writeBuffers = writeBuffers;
    this.bloom = bloom;
    // sync=false: the WAL write reaches the page cache (it survives a killed process), fsync is sync()'s.
    this.writeOptions = new WriteOptions().setSync(false).setDisableWAL(false);
    this.latest = new RocksReader(this, db, null);
  }

  /** Opens (creating it if missing) the store in {@code dir}. */
  public static RocksStore open(Path dir, Limits limits) {
    LRUCache cache = new LRUCache(limits.blockCacheBytes());
    WriteBufferManager writeBuffers = new WriteBufferManager(limits.writeBufferBytes(), cache);
    BloomFilter bloom = new BloomFilter(10); // ~1% false positives: most gets of absent keys read no block
    Options options = new Options();
    try {
      Files.createDirectories(dir);
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockCache(cache)
          .setFilterPolicy(bloom)
          // Index and filter blocks live in the cache too, so they are bounded by it...
          .setCacheIndexAndFilterBlocks(true)
          .setCacheIndexAndFilterBlocksWithHighPriority(true)
          // ...in partitions of a few KB: a whole-file filter of a big file (MBs at millions of keys) does not
          // fit a small cache, and was read back from the file on every get (measured: 200 us a get, and
          // inserts slowing as the store grew). Only the small top-level index of each file stays pinned.
          .setIndexType(IndexType.kTwoLevelIndexSearch)
          .setPartitionFilters(true)
          .setMetadataBlockSize(4096)
          .setPinTopLevelIndexAndFilter(true)
          .setPinL0FilterAndIndexBlocksInCache(true);
      options.setCreateIfMissing(true)
          .setTableFormatConfig(table)
          .setWriteBufferManager(writeBuffers)
          .setWriteBufferSize(limits.writeBufferBytes() / 2)
          .setMaxWriteBufferNumber(2)
          // LZ4: the cheapest of the usual codecs on CPU (two cores for six stores); text in values shrinks.
          .setCompressionType(CompressionType.LZ4_COMPRESSION)
          // Level sizes follow the data: a small store does not keep near-empty upper levels.
          .setLevelCompactionDynamicLevelBytes(true)
          .setMaxBackgroundJobs(limits.maxBackgroundJobs())
          // Files are few at this size; the bound keeps a store from taking a whole ulimit of fds.
          .setMaxOpenFiles(256)
          .setWalBytesPerSync(WAL_BYTES_PER_SYNC)
          .setBytesPerSync(WAL_BYTES_PER_SYNC)
          // manual_wal_flush stays false: each commit writes its WAL record before returning.
          .setManualWalFlush(false)
          // RocksDB's own LOG: warnings only, and bounded, so it never fills a disk.
          .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
          .setMaxLogFileSize(1 << 20)
          .setKeepLogFileNum(2)
          .setStatsDumpPeriodSec(0);
      RocksDB db = RocksDB.open(options, dir.toString());
      return new RocksStore(dir, db, options, cache, writeBuffers, bloom);
    } catch (RocksDBException | IOException | RuntimeException e) {
      options.close();
      writeBuffers.close();
      cache.close();
      bloom.close();
      throw new StorageException("cannot open the store in " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  @Override
  public KeyValues latest() {
    return latest;
  }

  @Override
  public void commit(StagedWrites batch) {
    if (batch.isEmpty()) {
      requireOpen();
      return;
    }
    enter();
    try (WriteBatch writes = new WriteBatch()) {
      requireOpen();
      RocksDBException[] failed = new RocksDBException[1];
      batch.forEach((k, v) -> {
        if (failed[0] != null) {
          return;
        }
        try {
          if (v == null) {
            writes.delete(k);
          } else {
            writes.put(k, v);
          }
        } catch (RocksDBException e) {
          failed[0] = e;
        }
      });
      if (failed[0] != null) {
        throw failed[0];
      }
      db.write(writeOptions, writes);
    } catch (RocksDBException e) {
      throw new StorageException("commit failed: " + e.getMessage(), e);
    } finally {
      leave();
    }
  }

  @Override
  public ReadView view() {
    enter();
    try {
      requireOpen();
      Snapshot snapshot = db.getSnapshot();
      RocksReader reader = new RocksReader(this, db, snapshot);
      openViews.add(reader);
      return new View(reader);
    } finally {
      leave();
    }
  }

  /** A snapshot's reader; closing it releases the snapshot, so compaction may drop what it pinned. */
  private final class View implements ReadView {
    private final RocksReader reader;

    View(RocksReader reader) {
      this.reader = reader;
    }

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
      enter();
      try {
        release(reader); // a no-op once the store closed (it released every view then)
      } finally {
        leave();
      }
    }
  }

  private void release(RocksReader reader) {
    if (openViews.remove(reader)) {
      reader.close();
      db.releaseSnapshot(reader.snapshot());
    }
  }

  /** A numeric RocksDB property such as {@code rocksdb.block-cache-usage} (metrics, tests). */
  public long longProperty(String name) {
    enter();
    try {
      requireOpen();
      return db.getLongProperty(name);
    } catch (RocksDBException e) {
      throw new StorageException("property " + name + ": " + e.getMessage(), e);
    } finally {
      leave();
    }
  }

  /** Views not closed yet (tests: a leak shows here). */
  int openViews() {
    return openViews.size();
  }

  @Override
  public void sync() {
    enter();
    try {
      requireOpen();
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw new StorageException("sync failed: " + e.getMessage(), e);
    } finally {
      leave();
    }
  }

  /**
   * RocksDB flushes the memtable, hard-links the SST files into {@code target + ".tmp"}, copies the
   * small rest, fsyncs and renames it to {@code target}: a directory named {@code target} is always
   * complete; a kill leaves only the {@code .tmp} one ({@link StoreDirectory#removeUnfinished} sweeps it).
   */
  @Override
  public void checkpoint(Path target) {
    enter();
    try {
      requireOpen();
      if (Files.exists(target)) {
        throw new StorageException("checkpoint target " + target + " exists already");
      }
      Path parent = target.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (Checkpoint checkpoint = Checkpoint.create(db)) {
        checkpoint.createCheckpoint(target.toString());
      }
      Fsync.directory(parent); // RocksDB fsyncs the checkpoint's files and directory, not the rename
    } catch (RocksDBException | IOException e) {
      throw new StorageException("checkpoint into " + target + " failed: " + e.getMessage(), e);
    } finally {
      leave();
    }
  }

  /** Sum of the sizes of the files in the store's directory (files compaction deletes meanwhile count 0). */
  @Override
  public long diskBytes() {
    requireOpen();
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        try {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          total += a.isRegularFile() ? a.size() : 0;
        } catch (NoSuchFileException gone) {
          // deleted by a compaction since the listing
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return total;
  }

  /** Waits for calls in progress, releases open views, syncs the WAL and closes the database. */
  @Override
  public void close() {
    gate.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (RocksReader view : Set.copyOf(openViews)) {
        release(view);
      }
      latest.close();
      try {
        db.flushWal(true);
        db.closeE();
      } catch (RocksDBException e) {
        throw new StorageException("closing the store in " + dir + " failed: " + e.getMessage(), e);
      } finally {
        db.close();
        writeOptions.close();
        options.close();
        writeBuffers.close();
        cache.close();
        bloom.close();
      }
    } finally {
      gate.writeLock().unlock();
    }
  }

  void enter() {
    gate.readLock().lock();
  }

  void leave() {
    gate.readLock().unlock();
  }

  void requireOpen() {
    if (closed) {
      throw new StorageException("the store in " + dir + " is closed");
    }
  }
}
