package io.pygmy.frontend;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * When a frontend may serve from its cache: only while every catalog replica has recently
 * acknowledged one of its heartbeats. Validity is counted from when each acknowledged heartbeat was
 * <em>sent</em> and lasts {@code usableLeaseNanos} (a safe fraction of the lease the replicas grant),
 * so the frontend always stops trusting its cache before any replica stops waiting for its
 * invalidation acks.
 *
 * <p>Pure logic: times are passed in. Thread-safe.
 */
final class CacheLease {
  private final Set<String> replicas;
  private final long usableLeaseNanos;
  private final Map<String, Long> lastAckedSendNanos = new HashMap<>();
  private volatile long validUntilNanos;
  private volatile boolean everValid;

  CacheLease(Set<String> replicas, long usableLeaseNanos) {
    if (replicas.isEmpty() || usableLeaseNanos <= 0) {
      throw new IllegalArgumentException("a lease needs replicas and a positive duration");
    }
    this.replicas = Set.copyOf(replicas);
    this.usableLeaseNanos = usableLeaseNanos;
  }

  /**
   * Records that {@code replica} acknowledged a heartbeat sent at {@code sentAtNanos}.
   *
   * @return true when the lease had lapsed before this renewal: entries cached before the lapse may
   *     have missed invalidations, so the caller must flush the cache
   */
  synchronized boolean renew(String replica, long sentAtNanos, long nowNanos) {
    if (!replicas.contains(replica)) {
      throw new IllegalArgumentException("unknown catalog replica " + replica);
    }
    boolean lapsed = !valid(nowNanos);
    lastAckedSendNanos.merge(replica, sentAtNanos, Math::max);
    if (lastAckedSendNanos.size() == replicas.size()) {
      long oldest = lastAckedSendNanos.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      validUntilNanos = oldest + usableLeaseNanos;
      everValid = true;
    }
    return lapsed;
  }

  boolean valid(long nowNanos) {
    return everValid && nowNanos - validUntilNanos < 0;
  }

  /** Nanoseconds of validity left (negative when lapsed), for status pages. */
  long remainingNanos(long nowNanos) {
    return everValid ? validUntilNanos - nowNanos : Long.MIN_VALUE;
  }
}
