package io.pygmy.bench;

import io.pygmy.http.ServerTiming;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latencies of one series of requests at the client and, from each answer's {@code Server-Timing}
 * header, at every tier that reported one. A tier that did not take part in a request (the catalog on a
 * cache hit) has fewer samples than the client; its summary counts only the requests it served.
 */
final class TierSamples {
  static final String CLIENT = "client";
  /** Tiers kept per series: a header naming more is not ours, and is not allowed to grow the map. */
  private static final int MAX_TIERS = 8;

  private final Samples client = new Samples();
  private final Map<String, Samples> tiers = new LinkedHashMap<>();
  private int cacheHits;

  /** Records one answered request. */
  void record(long clientNanos, String serverTiming) {
    client.add(clientNanos);
    for (Map.Entry<String, Double> e : ServerTiming.parse(serverTiming).entrySet()) {
      Samples s = tiers.get(e.getKey());
      if (s == null && tiers.size() < MAX_TIERS) {
        s = new Samples();
        tiers.put(e.getKey(), s);
      }
      if (s != null) {
        s.add(Math.round(e.getValue() * 1e6));
      }
    }
    if (isCacheHit(serverTiming)) {
      cacheHits++;
    }
  }

  /** The frontend marks a read served from its cache with {@code cache;desc=hit}. */
  static boolean isCacheHit(String serverTiming) {
    if (serverTiming == null) {
      return false;
    }
    for (String metric : serverTiming.split(",")) {
      String m = metric.trim();
      if (m.startsWith("cache;") && m.replace(" ", "").contains("desc=hit")) {
        return true;
      }
    }
    return false;
  }

  int count() {
    return client.size();
  }

  int cacheHits() {
    return cacheHits;
  }

  /** Client first, then each tier in the order it first appeared; empty series are left out. */
  Map<String, LatencySummary> summaries() {
    Map<String, LatencySummary> out = new LinkedHashMap<>();
    LatencySummary c = client.summary();
    if (c != null) {
      out.put(CLIENT, c);
    }
    tiers.forEach((name, s) -> {
      LatencySummary t = s.summary();
      if (t != null) {
        out.put(name, t);
      }
    });
    return out;
  }
}
