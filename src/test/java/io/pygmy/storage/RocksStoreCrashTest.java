package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.pygmy.storage.KeyValues.Entry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM ({@link CrashWriter}) that commits batches in a tight loop, at several points (after
 * it reported N batches, and while it is inside checkpoint()), each time on the same store, and checks
 * after each kill: batches are atomic and none that was reported is lost; a checkpoint the kill
 * interrupted is never left under a name that looks complete; every completed one opens and is consistent.
 */
class RocksStoreCrashTest {
  static final int CHECKPOINT_EVERY = 250;

  @TempDir
  Path tmp;

  /** Kill after the child reports this many batches of its run, or (-1) as it enters a checkpoint. */
  record KillPoint(int batches) {
    boolean inCheckpoint() {
      return batches < 0;
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void killedWritersLoseNoCommittedBatchAndTearNone() throws Exception {
    Path store = tmp.resolve("kv");
    Path checkpoints = tmp.resolve("checkpoints");
    Files.createDirectories(checkpoints);
    long expectedAtLeast = 0;
    int interruptedCheckpoints = 0;
    int completedCheckpoints = 0;
    for (KillPoint kill : List.of(new KillPoint(30), new KillPoint(-1), new KillPoint(600), new KillPoint(-1),
        new KillPoint(1), new KillPoint(-1), new KillPoint(300))) {
      Run run = runAndKill(store, checkpoints, kill);
      assertThat(run.opened).as("the child resumed after the last batch").isEqualTo(expectedAtLeast);
      long b;
      try (RocksStore reopened = RocksStore.open(store, RocksStore.Limits.defaults())) {
        b = verify(reopened.latest());
      }
      assertThat(b).as("batches after %s", kill).isGreaterThanOrEqualTo(run.lastReported);
      System.out.printf("killed at %s: %d batches reported, %d on disk%s%n", kill, run.lastReported, b,
          run.checkpointStarted == null ? ""
              : ", inside checkpoint " + run.checkpointStarted + (run.stagingSeen ? " (staging seen)" : ""));

      List<Path> leftovers = StoreDirectory.removeUnfinished(checkpoints);
      interruptedCheckpoints += leftovers.size();
      for (Path left : leftovers) {
        assertThat(left.getFileName().toString()).endsWith(".tmp");
        assertThat(left.resolveSibling(left.getFileName().toString().replace(".tmp", ""))).doesNotExist();
      }
      for (Path cp : list(checkpoints)) {
        try (RocksStore copy = RocksStore.open(cp, RocksStore.Limits.defaults())) {
          long cb = verify(copy.latest());
          assertThat(cb).as(cp + " holds the batch it was taken at").isEqualTo(batchOf(cp));
        }
        completedCheckpoints++;
        Fsync.deleteTree(cp); // each is checked once: keeps the test's time flat
      }
      expectedAtLeast = b;
    }
    System.out.printf("checkpoints: %d completed and consistent, %d interrupted by a kill (swept)%n",
        completedCheckpoints, interruptedCheckpoints);
    assertThat(completedCheckpoints).isPositive();
    assertThat(interruptedCheckpoints).as("kills that landed inside a checkpoint").isPositive();
  }

  record Run(long opened, long lastReported, String checkpointStarted, boolean stagingSeen) {}

  /**
   * Polls (a stat every ~50 us, at most 5 s) until RocksDB's staging directory {@code target.tmp} or the
   * finished {@code target} shows: the kill then lands inside the checkpoint, not before it starts.
   */
  static boolean awaitStaging(Path target) {
    Path staging = target.resolveSibling(target.getFileName() + ".tmp");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (Files.exists(staging)) {
        return true;
      }
      if (Files.exists(target)) {
        return false;
      }
      LockSupport.parkNanos(50_000);
    }
    return false;
  }

  Run runAndKill(Path store, Path checkpoints, KillPoint kill) throws Exception {
    Path jvmTmp = Files.createDirectories(tmp.resolve("jvm-tmp")); // the JNI library a killed JVM leaves
    Path stderr = tmp.resolve("child.err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + jvmTmp,
        "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
        store.toString(), checkpoints.toString(), Integer.toString(CHECKPOINT_EVERY))
        .redirectError(stderr.toFile()).start();
    long opened = -1;
    long last = -1;
    String inCheckpoint = null;
    boolean stagingSeen = false;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        String[] w = line.split(" ");
        if (w[0].equals("open")) {
          opened = Long.parseLong(w[1]);
        } else if (w[0].equals("committed")) {
          last = Long.parseLong(w[1]);
          if (!kill.inCheckpoint() && last - opened >= kill.batches()) {
            break;
          }
        } else if (w[0].equals("checkpoint-start") && kill.inCheckpoint()) {
          inCheckpoint = w[1];
          stagingSeen = awaitStaging(checkpoints.resolve(w[1]));
          break;
        }
      }
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor();
      if (line == null) {
        fail("the child ended by itself: " + Files.readString(stderr));
      }
    } finally {
      child.destroyForcibly();
    }
    return new Run(opened, last, inCheckpoint, stagingSeen);
  }

  /**
   * Checks a store the writer left and returns its last batch B: every key of batches 1..B with its value,
   * nothing of any later batch, the table-3 marker at B alone.
   */
  static long verify(KeyValues kv) {
    byte[] lastValue = kv.get(CrashWriter.LAST);
    long b = lastValue == null ? 0 : Values.reader(lastValue).varlong();
    byte[] table = Keys.of(1).build();
    byte[] end = Keys.end(table);
    byte[] from = table;
    long batch = 1;
    int i = 0;
    while (true) {
      List<Entry> page = kv.scan(from, end, 10_000);
      for (Entry e : page) {
        Keys.Reader r = new Keys.Reader(e.key());
        long eb = r.i64();
        int ei = r.i32();
        if (eb != batch || ei != i) {
          fail("expected key (%d, %d) next, found (%d, %d) with the last batch at %d", batch, i, eb, ei, b);
        }
        assertThat(e.value()).isEqualTo(CrashWriter.value(eb, ei));
        if (++i == CrashWriter.KEYS) {
          i = 0;
          batch++;
        }
      }
      if (page.size() < 10_000) {
        break;
      }
      from = Keys.after(page.get(page.size() - 1).key());
    }
    assertThat(i).as("a torn batch").isZero();
    assertThat(batch - 1).as("batches whose keys are stored").isEqualTo(b);
    byte[] markers = Keys.of(3).build();
    List<Entry> marker = kv.scan(markers, Keys.end(markers), 10);
    if (b == 0) {
      assertThat(marker).isEmpty();
    } else {
      assertThat(marker).extracting(e -> new Keys.Reader(e.key()).i64()).containsExactly(b);
    }
    return b;
  }

  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Predicate.not(p -> p.getFileName().toString().endsWith(".tmp"))).sorted()
          .collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
    }
  }

  static long batchOf(Path checkpoint) {
    return Long.parseLong(checkpoint.getFileName().toString().substring("cp-".length()));
  }
}
