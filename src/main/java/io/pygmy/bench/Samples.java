package io.pygmy.bench;

import java.util.Arrays;

/** Latency samples of one series in nanoseconds, kept whole for exact percentiles; one writer thread. */
final class Samples {
  /** Bound on samples kept per series (160 MB); beyond it samples are counted as dropped, not stored. */
  static final int MAX_SAMPLES = 20_000_000;

  private long[] values = new long[256];
  private int size;
  private long dropped;

  void add(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("negative latency " + nanos);
    }
    if (size == values.length) {
      if (size >= MAX_SAMPLES) {
        dropped++;
        return;
      }
      values = Arrays.copyOf(values, (int) Math.min(MAX_SAMPLES, size * 2L));
    }
    values[size++] = nanos;
  }

  void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
    dropped += other.dropped;
  }

  int size() {
    return size;
  }

  long dropped() {
    return dropped;
  }

  /** Null when empty. */
  LatencySummary summary() {
    return LatencySummary.ofNanos(values, size);
  }
}
