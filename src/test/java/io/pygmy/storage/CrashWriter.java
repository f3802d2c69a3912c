package io.pygmy.storage;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The child process of {@link RocksStoreCrashTest}: opens a RocksStore and commits numbered batches in a
 * tight loop until it is killed. Batch {@code b} writes {@link #KEYS} keys {@code (1, b, i)}, moves the
 * single key of table 3 from {@code b - 1} to {@code b} (a delete and a put) and sets the "last batch" key
 * to {@code b}. Prints {@code committed b} after each commit, and brackets each checkpoint with
 * {@code checkpoint-start name} and {@code checkpoint-done name}.
 *
 * <p>Arguments: store directory, checkpoint directory, batches between checkpoints.
 */
public final class CrashWriter {
  static final int KEYS = 40;
  static final int SYNC_EVERY = 100;
  static final byte[] LAST = Keys.of(2).build();

  private CrashWriter() {}

  static byte[] key(long batch, int i) {
    return Keys.of(1).i64(batch).i32(i).build();
  }

  static byte[] marker(long batch) {
    return Keys.of(3).i64(batch).build();
  }

  /** About 100 bytes that only batch {@code b}, key {@code i} has. */
  static byte[] value(long batch, int i) {
    byte[] head = Values.writer().varlong(batch).varlong(i).build();
    byte[] v = Arrays.copyOf(head, 100);
    for (int j = head.length; j < v.length; j++) {
      v[j] = (byte) (batch * 31 + i * 7 + j);
    }
    return v;
  }

  /** A line the parent acts on: flushed, so what it reads has happened. */
  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    Path checkpoints = Path.of(args[1]);
    int checkpointEvery = Integer.parseInt(args[2]);
    try (RocksStore store = RocksStore.open(dir, RocksStore.Limits.defaults())) {
      byte[] last = store.latest().get(LAST);
      long start = last == null ? 0 : Values.reader(last).varlong();
      say("open " + start);
      for (long b = start + 1; ; b++) {
        StagedWrites w = store.stage();
        for (int i = 0; i < KEYS; i++) {
          w.put(key(b, i), value(b, i));
        }
        w.delete(marker(b - 1));
        w.put(marker(b), new byte[] {1});
        w.put(LAST, Values.writer().varlong(b).build());
        store.commit(w);
        say("committed " + b);
        long done = b - start;
        if (done % SYNC_EVERY == 0) {
          store.sync();
        }
        if (done % checkpointEvery == 0) {
          String name = "cp-" + b;
          say("checkpoint-start " + name);
          store.checkpoint(checkpoints.resolve(name));
          say("checkpoint-done " + name);
        }
      }
    }
  }
}
