package io.pygmy.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Recent traffic per route, for the dashboard: requests per second, errors and latency p50/p99 over the
 * last {@link #WINDOW_SECONDS} seconds. Prometheus gets cumulative histograms from Micrometer; a person
 * watching a failover wants "now", so this keeps a ring of one-second slots, each with a small
 * log-scaled latency histogram. Memory is bounded: {@link #MAX_ROUTES} routes, fixed slots and buckets.
 * Time comes from an injected nano clock, so tests drive it.
 */
public final class RouteWindow {
  static final int WINDOW_SECONDS = 10;
  static final int MAX_ROUTES = 64;
  /** Routes past {@link #MAX_ROUTES} are counted here rather than growing the map. */
  static final String OTHER_ROUTE = "other";
  /** Bucket i holds latencies in [MIN_MICROS * RATIO^i, MIN_MICROS * RATIO^(i+1)); the last is open. */
  static final double MIN_MICROS = 50;
  static final double RATIO = Math.pow(2, 0.25);
  static final int BUCKETS = 96; // 50 us * 2^(96/4) ~ 14 minutes: anything slower lands in the last

  private final LongSupplier nanoClock;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  public RouteWindow(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Counts one answered request on {@code route} (a route template such as {@code GET /api/books/{id}}). */
  public void record(String route, long latencyNanos, boolean error) {
    Route r = routes.get(route);
    if (r == null) {
      r = routes.size() < MAX_ROUTES ? routes.computeIfAbsent(route, k -> new Route())
          : routes.computeIfAbsent(OTHER_ROUTE, k -> new Route());
    }
    r.record(second(), Math.max(0, latencyNanos), error);
  }

  /** The routes seen in the window, busiest first. */
  public List<RouteStats> snapshot() {
    long now = second();
    List<RouteStats> out = new ArrayList<>();
    routes.forEach((name, route) -> {
      RouteStats s = route.stats(name, now);
      if (s.requests() > 0) {
        out.add(s);
      }
    });
    out.sort((a, b) -> Long.compare(b.requests(), a.requests()));
    return out;
  }

  /** One route over the window: {@code requestsPerSecond} averages the whole window, so it ramps up and down. */
  public record RouteStats(String route, long requests, long errors, double requestsPerSecond,
                           double latencyMillisP50, double latencyMillisP99) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("route", route);
      m.put("requests", requests);
      m.put("errors", errors);
      m.put("requestsPerSecond", requestsPerSecond);
      m.put("latencyMillisP50", latencyMillisP50);
      m.put("latencyMillisP99", latencyMillisP99);
      return m;
    }
  }

  private long second() {
    return Math.floorDiv(nanoClock.getAsLong(), 1_000_000_000L);
  }

  /** Pure: the bucket a latency falls in. */
  static int bucketOf(long latencyNanos) {
    double micros = latencyNanos / 1000.0;
    if (micros < MIN_MICROS) {
      return 0;
    }
    int b = (int) (Math.log(micros / MIN_MICROS) / Math.log(RATIO));
    return Math.min(BUCKETS - 1, Math.max(0, b));
  }

  /** Pure: the upper bound of a bucket in milliseconds (a percentile is reported as its bucket's bound). */
  static double upperMillis(int bucket) {
    return MIN_MICROS * Math.pow(RATIO, bucket + 1) / 1000.0;
  }

  /** Pure: the bucket holding the q-th quantile of these counts, or -1 when empty. */
  static int quantileBucket(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return i;
      }
    }
    return counts.length - 1;
  }

  private static final class Route {
    private final long[] slotSecond = new long[WINDOW_SECONDS];
    private final long[] slotCount = new long[WINDOW_SECONDS];
    private final long[] slotErrors = new long[WINDOW_SECONDS];
    private final long[][] slotBuckets = new long[WINDOW_SECONDS][BUCKETS];

    Route() {
      java.util.Arrays.fill(slotSecond, Long.MIN_VALUE);
    }

    synchronized void record(long second, long latencyNanos, boolean error) {
      int i = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
      if (slotSecond[i] != second) {
        slotSecond[i] = second;
        slotCount[i] = 0;
        slotErrors[i] = 0;
        java.util.Arrays.fill(slotBuckets[i], 0);
      }
      slotCount[i]++;
      if (error) {
        slotErrors[i]++;
      }
      slotBuckets[i][bucketOf(latencyNanos)]++;
    }

    synchronized RouteStats stats(String name, long now) {
      long requests = 0;
      long errors = 0;
      long[] merged = new long[BUCKETS];
      for (int i = 0; i < WINDOW_SECONDS; i++) {
        if (slotSecond[i] > now - WINDOW_SECONDS && slotSecond[i] <= now) {
          requests += slotCount[i];
          errors += slotErrors[i];
          for (int b = 0; b < BUCKETS; b++) {
            merged[b] += slotBuckets[i][b];
          }
        }
      }
      int p50 = quantileBucket(merged, 0.50);
      int p99 = quantileBucket(merged, 0.99);
      return new RouteStats(name, requests, errors, requests / (double) WINDOW_SECONDS,
          p50 < 0 ? 0 : upperMillis(p50), p99 < 0 ? 0 : upperMillis(p99));
    }
  }
}
