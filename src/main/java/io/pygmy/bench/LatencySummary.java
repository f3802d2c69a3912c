package io.pygmy.bench;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * One series of latencies reduced to the figures we report, in milliseconds. Percentiles are by
 * nearest rank (the smallest sample with at least p% of the samples at or below it), so every figure is
 * a latency that was actually observed.
 */
public record LatencySummary(long count, double meanMs, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
  private static final double NANOS_PER_MS = 1e6;

  public LatencySummary {
    if (count <= 0) {
      throw new IllegalArgumentException("a summary needs at least one sample");
    }
    if (!(p50Ms <= p90Ms && p90Ms <= p99Ms && p99Ms <= maxMs)) {
      throw new IllegalArgumentException("percentiles out of order: " + p50Ms + " " + p90Ms + " " + p99Ms + " " + maxMs);
    }
  }

  /** The summary of {@code n} samples in nanoseconds; null when there are none. Sorts a copy. */
  public static LatencySummary ofNanos(long[] nanos, int n) {
    if (n < 0 || n > nanos.length) {
      throw new IllegalArgumentException("n=" + n + " outside 0.." + nanos.length);
    }
    if (n == 0) {
      return null;
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return new LatencySummary(n, sum / n / NANOS_PER_MS,
        percentile(sorted, 50) / NANOS_PER_MS, percentile(sorted, 90) / NANOS_PER_MS,
        percentile(sorted, 99) / NANOS_PER_MS, sorted[n - 1] / NANOS_PER_MS);
  }

  /** Nearest-rank percentile of sorted values: the value at rank ceil(p/100 * n), ranks from 1. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0 || p <= 0 || p > 100) {
      throw new IllegalArgumentException("need samples and 0 < p <= 100");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /** The summary of a histogram of nanoseconds (HdrHistogram's own percentile definition); null when empty. */
  public static LatencySummary ofHistogram(Histogram h) {
    if (h.getTotalCount() == 0) {
      return null;
    }
    return new LatencySummary(h.getTotalCount(), h.getMean() / NANOS_PER_MS,
        h.getValueAtPercentile(50) / NANOS_PER_MS, h.getValueAtPercentile(90) / NANOS_PER_MS,
        h.getValueAtPercentile(99) / NANOS_PER_MS, h.getMaxValue() / NANOS_PER_MS);
  }
}
