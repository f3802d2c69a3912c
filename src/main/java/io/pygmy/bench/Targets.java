package io.pygmy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The targets, checked against a run's figures. Reported, never asserted. */
final class Targets {
  private Targets() {}

  static List<BenchResult.TargetCheck> evaluate(List<BenchResult.TierRun> tiers, BenchResult.Scale scale,
                                                BenchResult.Failover failover) {
    List<BenchResult.TargetCheck> out = new ArrayList<>();
    Optional<BenchResult.ScalePoint> lookup1 = point(scale, "lookup", c -> c == 1);
    Double cachedP50 = lookup1.map(p -> p.latency() == null ? null : p.latency().p50Ms())
        .orElseGet(() -> tierP50(tiers, "lookup", Boolean.TRUE));
    out.add(atMost("cached lookup p50, 1 client", 0.1, cachedP50, "ms",
        lookup1.isPresent() ? "scale lookup, 1 client" : "tiers lookup, cache on"));
    out.add(atLeast("cached lookups/s, 32-64 clients", 20_000, best(scale, "lookup"), "1/s",
        "scale lookup, best of 32..64 clients"));
    out.add(atMost("uncached lookup p50, 1 client", 1.0, tierP50(tiers, "lookup", Boolean.FALSE), "ms",
        "tiers lookup, cache off"));
    Optional<BenchResult.ScalePoint> buy1 = point(scale, "buy", c -> c == 1);
    Double buyP50 = buy1.map(p -> p.latency() == null ? null : p.latency().p50Ms())
        .orElseGet(() -> tierP50(tiers, "buy", Boolean.TRUE));
    out.add(atMost("buy p50, 1 client", 5.0, buyP50, "ms", buy1.isPresent() ? "scale buy, 1 client" : "tiers buy"));
    out.add(atLeast("confirmed buys/s, 32-64 clients", 1_000, best(scale, "buy"), "1/s",
        "scale buy, best of 32..64 clients"));
    Double inconsistent = scale == null || scale.stockChecks().isEmpty() ? null
        : (double) scale.stockChecks().stream().filter(c -> !c.consistent()).count();
    out.add(new BenchResult.TargetCheck("oversell (inconsistent stock checks)", "= 0", inconsistent, "checks",
        inconsistent == null ? null : inconsistent == 0, "scale stock checks"));
    Double unavailable = null;
    if (failover != null) {
      for (BenchResult.Kill k : failover.kills()) {
        double s = k.buyUnavailableMillis() == null ? Double.POSITIVE_INFINITY : k.buyUnavailableMillis() / 1000.0;
        unavailable = unavailable == null ? s : Math.max(unavailable, s);
      }
      if (unavailable != null && unavailable.isInfinite()) {
        unavailable = 1e9; // never recovered before the restart; JSON has no infinity
      }
    }
    out.add(atMost("leader-kill unavailability (buys, worst)", 1.5, unavailable, "s", "failover"));
    return out;
  }

  private static Optional<BenchResult.ScalePoint> point(BenchResult.Scale scale, String workload,
                                                        Predicate<Integer> clients) {
    if (scale == null) {
      return Optional.empty();
    }
    return scale.points().stream().filter(p -> p.workload().equals(workload) && clients.test(p.clients()))
        .findFirst();
  }

  private static Double best(BenchResult.Scale scale, String workload) {
    if (scale == null) {
      return null;
    }
    return scale.points().stream().filter(p -> p.workload().equals(workload) && p.clients() >= 32
            && p.clients() <= 64).mapToDouble(BenchResult.ScalePoint::throughputPerSecond).boxed()
        .max(Double::compare).orElse(null);
  }

  private static Double tierP50(List<BenchResult.TierRun> tiers, String op, Boolean cache) {
    if (tiers == null) {
      return null;
    }
    return tiers.stream().filter(t -> t.op().equals(op) && java.util.Objects.equals(t.cache(), cache))
        .map(t -> t.latency().get(TierSamples.CLIENT)).filter(java.util.Objects::nonNull)
        .map(LatencySummary::p50Ms).findFirst().orElse(null);
  }

  private static BenchResult.TargetCheck atMost(String name, double limit, Double measured, String unit,
                                                String source) {
    return new BenchResult.TargetCheck(name, "<= " + fmt(limit), measured, unit,
        measured == null ? null : measured <= limit, source);
  }

  private static BenchResult.TargetCheck atLeast(String name, double limit, Double measured, String unit,
                                                 String source) {
    return new BenchResult.TargetCheck(name, ">= " + fmt(limit), measured, unit,
        measured == null ? null : measured >= limit, source);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.format(java.util.Locale.ROOT, "%,d", (long) v) : Double.toString(v);
  }
}
