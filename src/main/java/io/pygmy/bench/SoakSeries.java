package io.pygmy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/** The soak's rows: each interval's counts are the difference of the running totals at its two ends. */
final class SoakSeries {
  private final List<SoakResult.Row> rows = new ArrayList<>();
  private SoakLoad.Counts last = SoakLoad.Counts.ZERO;
  private double lastEndSeconds;

  /** Closes the interval that ends now: {@code now} are the load's totals, {@code latency} its buys since. */
  SoakResult.Row add(double endSeconds, SoakLoad.Counts now, Histogram latency, List<SoakResult.NodeSample> nodes,
                     List<String> events) {
    SoakResult.Row r = row(rows.size() + 1, lastEndSeconds, endSeconds, last, now, latency, nodes, events);
    rows.add(r);
    last = now;
    lastEndSeconds = endSeconds;
    return r;
  }

  List<SoakResult.Row> rows() {
    return List.copyOf(rows);
  }

  double lastEndSeconds() {
    return lastEndSeconds;
  }

  static SoakResult.Row row(int index, double startSeconds, double endSeconds, SoakLoad.Counts before,
                            SoakLoad.Counts after, Histogram latency, List<SoakResult.NodeSample> nodes,
                            List<String> events) {
    double seconds = Math.max(1e-9, endSeconds - startSeconds);
    long confirmed = after.confirmed() - before.confirmed();
    boolean answered = latency != null && latency.getTotalCount() > 0;
    return new SoakResult.Row(index, round(endSeconds), round(seconds), confirmed, after.confirmed(),
        round(confirmed / seconds), answered ? ms(latency.getValueAtPercentile(50)) : null,
        answered ? ms(latency.getValueAtPercentile(99)) : null, answered ? ms(latency.getMaxValue()) : null,
        after.outOfStock() - before.outOfStock(), after.failed() - before.failed(),
        delta(before.failuresByCause(), after.failuresByCause()), total(nodes, SoakResult.NodeSample::rssBytes),
        total(nodes, SoakResult.NodeSample::diskBytes), max(nodes, SoakResult.NodeSample::applyStallMaxMillis),
        max(nodes, SoakResult.NodeSample::snapshotMaxMillis), List.copyOf(nodes), List.copyOf(events));
  }

  /** Failures per cause that happened between the two totals (causes with none left out). */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach((cause, n) -> {
      long d = n - before.getOrDefault(cause, 0L);
      if (d > 0) {
        out.put(cause, d);
      }
    });
    return out;
  }

  /** Sum over the nodes that reported the figure; null when none did (so "unknown" is not read as 0). */
  static Long total(List<SoakResult.NodeSample> nodes, Function<SoakResult.NodeSample, Long> figure) {
    Long sum = null;
    for (SoakResult.NodeSample n : nodes) {
      Long v = figure.apply(n);
      if (v != null) {
        sum = sum == null ? v : sum + v;
      }
    }
    return sum;
  }

  static Double max(List<SoakResult.NodeSample> nodes, Function<SoakResult.NodeSample, Double> figure) {
    Double m = null;
    for (SoakResult.NodeSample n : nodes) {
      m = NodeProbe.max(m, figure.apply(n));
    }
    return m;
  }

  private static double ms(long nanos) {
    return round(nanos / 1e6);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
