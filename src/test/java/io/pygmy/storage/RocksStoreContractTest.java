package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The contract on RocksDB, plus what only a store on disk has: reopening, checkpoints, its files. */
class RocksStoreContractTest extends KeyValueStoreContract {
  @Override
  KeyValueStore open(Path dir) {
    return RocksStore.open(dir, RocksStore.Limits.defaults());
  }

  RocksStore rocks() {
    return (RocksStore) store;
  }

  @Test
  void committedBatchesSurviveAReopen() {
    put("a", "1", "b", "2");
    StagedWrites w = store.stage();
    w.delete(b("a"));
    store.commit(w);
    store.close();
    store = open(tmp.resolve("kv"));
    assertThat(store.latest().get(b("a"))).isNull();
    assertThat(store.latest().get(b("b"))).isEqualTo(b("2"));
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefused() {
    assertThatThrownBy(() -> open(tmp.resolve("kv"))).isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot open");
  }

  @Test
  void aCheckpointOpensAsAStoreWithTheCommittedStateOnly() {
    put("a", "1", "b", "2");
    Path cp = tmp.resolve("checkpoints/cp-1");
    store.checkpoint(cp);
    put("a", "changed", "c", "3");
    assertThat(cp.resolve("CURRENT")).exists();
    assertThat(cp.resolveSibling("cp-1.tmp")).doesNotExist();
    try (RocksStore copy = RocksStore.open(cp, RocksStore.Limits.defaults())) {
      assertThat(copy.latest().get(b("a"))).isEqualTo(b("1"));
      assertThat(copy.latest().get(b("c"))).isNull();
      assertThat(keys(copy.latest().scan(b("a"), b("z"), 10))).containsExactly("a", "b");
    }
    assertThat(store.latest().get(b("a"))).isEqualTo(b("changed"));
    assertThatThrownBy(() -> store.checkpoint(cp)).isInstanceOf(StorageException.class)
        .hasMessageContaining("exists");
  }

  @Test
  void diskBytesCountsTheFiles() throws Exception {
    StagedWrites w = store.stage();
    for (int i = 0; i < 1000; i++) {
      w.put(Keys.of(1).i32(i).build(), new byte[100]);
    }
    store.commit(w);
    store.sync();
    long bytes = store.diskBytes();
    assertThat(bytes).isGreaterThan(100_000);
    long listed;
    try (var files = Files.list(tmp.resolve("kv"))) {
      listed = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertThat(bytes).isEqualTo(listed);
  }

  @Test
  void closingTheStoreReleasesTheViewsLeftOpen() {
    put("a", "1");
    ReadView closed = store.view();
    closed.close();
    store.view();
    store.view();
    assertThat(rocks().openViews()).isEqualTo(2);
    store.close(); // would fail on unreleased snapshots
    assertThat(rocks().openViews()).isZero();
  }

  /** Readers on views and on latest() while the writer commits and then closes: errors, never a crash. */
  @Test
  void closingUnderConcurrentReadersFailsThemCleanly() throws Exception {
    put("a", "0");
    int readers = 2;
    CountDownLatch reading = new CountDownLatch(readers);
    List<Throwable> endedWith = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < readers; t++) {
      boolean useViews = t % 2 == 0;
      Thread thread = new Thread(() -> {
        try {
          for (long n = 0; ; n++) {
            if (useViews) {
              ReadView v = store.view();
              try {
                assertThat(v.get(b("a"))).isNotNull();
                v.scan(b("a"), b("z"), 5, n % 2 == 0);
              } finally {
                v.close();
              }
            } else {
              assertThat(store.latest().get(b("a"))).isNotNull();
              store.latest().scan(b("a"), b("z"), 5, n % 2 == 0);
            }
            if (n == 10) {
              reading.countDown();
            }
          }
        } catch (Throwable e) {
          reading.countDown();
          endedWith.add(e);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (int i = 0; i < 300; i++) {
      put("a", Integer.toString(i), "k" + (i % 50), "v");
    }
    assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
    store.close();
    for (Thread thread : threads) {
      thread.join(30_000);
      assertThat(thread.isAlive()).isFalse();
    }
    assertThat(endedWith).hasSize(readers).allSatisfy(e -> assertThat(e).isInstanceOf(StorageException.class));
    assertThat(rocks().openViews()).isZero();
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new RocksStore.Limits(8 << 20, 16 << 20, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RocksStore.Limits(8 << 20, 4 << 20, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RocksStore.Limits.defaults().blockCacheBytes()).isEqualTo(16 << 20);
  }
}
