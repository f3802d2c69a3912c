package io.pygmy.raft;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long snapshots take, and how long each held up the apply thread: from the end of the last entry
 * applied before it (Ratis first waits for every applied entry's reply, then calls takeSnapshot) to the
 * end of the snapshot. Written on the apply thread, read by status.
 */
public final class SnapshotTimes {
  /** A gap longer than this before a snapshot was idleness, not a stall. */
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private volatile long lastAppliedNanos;
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong maxNanos = new AtomicLong();
  private final AtomicLong maxStallNanos = new AtomicLong();
  private volatile long lastNanos;

  void applied() {
    lastAppliedNanos = System.nanoTime();
  }

  void took(long startNanos, long endNanos) {
    long took = endNanos - startNanos;
    long sinceApplied = endNanos - lastAppliedNanos;
    long stall = startNanos - lastAppliedNanos < IDLE_NANOS ? sinceApplied : took;
    count.incrementAndGet();
    lastNanos = took;
    maxNanos.accumulateAndGet(took, Math::max);
    maxStallNanos.accumulateAndGet(stall, Math::max);
  }

  public long count() {
    return count.get();
  }

  public double maxMillis() {
    return maxNanos.get() / 1e6;
  }

  /** The longest the apply thread waited on a snapshot, including Ratis waiting for earlier replies. */
  public double maxStallMillis() {
    return maxStallNanos.get() / 1e6;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("snapshots", count());
    m.put("snapshotLastMillis", lastNanos / 1e6);
    m.put("snapshotMaxMillis", maxMillis());
    m.put("applyStallMaxMillis", maxStallMillis());
    return m;
  }
}
