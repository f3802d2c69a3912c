package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints, does not assert (the box is shared): commits/s and puts/s of 200-put batches of 100-byte
 * values, and how long sync() takes after ~50 MB, with the default limits. Asserts only that it all
 * stayed readable.
 */
class RocksStoreThroughputTest {
  static final int PUTS = 200;
  static final int VALUE_BYTES = 100;
  static final long TARGET_BYTES = 50L << 20;

  @TempDir
  Path tmp;

  @Test
  void commitsAndSyncs() {
    Random random = new Random(42);
    byte[][] values = new byte[1024][VALUE_BYTES];
    for (byte[] v : values) {
      random.nextBytes(v); // incompressible: the worst case for LZ4 and the disk
    }
    try (RocksStore store = RocksStore.open(tmp.resolve("kv"), RocksStore.Limits.defaults())) {
      long batch = 0;
      for (; batch < 300; batch++) { // warm-up: JIT, first memtable
        commitBatch(store, batch, values);
      }
      long bytesPerBatch = PUTS * (VALUE_BYTES + 13L);
      long batches = TARGET_BYTES / bytesPerBatch;
      long start = System.nanoTime();
      for (long end = batch + batches; batch < end; batch++) {
        commitBatch(store, batch, values);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] syncMicros = new long[5];
      for (int i = 0; i < syncMicros.length; i++) {
        if (i > 0) {
          for (int j = 0; j < 200; j++, batch++) { // ~4.5 MB between two syncs
            commitBatch(store, batch, values);
          }
        }
        long t = System.nanoTime();
        store.sync();
        syncMicros[i] = (System.nanoTime() - t) / 1000;
      }
      System.out.printf("throughput: %d batches of %d puts (%.0f MB) in %.2f s: %.0f commits/s, %.0f puts/s%n",
          batches, PUTS, batches * bytesPerBatch / 1e6, seconds, batches / seconds, batches * PUTS / seconds);
      System.out.printf("sync() after %.0f MB: %.2f ms; then after 4.5 MB more each: %s us%n",
          batches * bytesPerBatch / 1e6, syncMicros[0] / 1000.0,
          Arrays.toString(Arrays.copyOfRange(syncMicros, 1, syncMicros.length)));
      System.out.printf("memory: block cache %.1f MB used (capacity %d MB, memtables' reservations included),"
          + " memtables %.1f MB, table readers %.1f MB; disk %.1f MB%n",
          store.longProperty("rocksdb.block-cache-usage") / 1e6,
          RocksStore.Limits.defaults().blockCacheBytes() >> 20,
          store.longProperty("rocksdb.cur-size-all-mem-tables") / 1e6,
          store.longProperty("rocksdb.estimate-table-readers-mem") / 1e6, store.diskBytes() / 1e6);
      assertThat(store.latest().get(key(batch - 1, PUTS - 1))).isNotNull();
    }
  }

  static byte[] key(long batch, int i) {
    return Keys.of(1).i64(batch).i32(i).build();
  }

  static void commitBatch(RocksStore store, long batch, byte[][] values) {
    StagedWrites w = store.stage();
    for (int i = 0; i < PUTS; i++) {
      w.put(key(batch, i), values[(int) ((batch * PUTS + i) % values.length)]);
    }
    store.commit(w);
  }
}
