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

  /** Whole-cluster resident memory wanted before the soak's load and after it. */
  static final double SOAK_IDLE_RSS_MIB = 1024;
  static final double SOAK_AFTER_RSS_MIB = 1.2 * 1024;
  /** Rate of the last full interval against the first: the store must not slow down as it fills. */
  static final double SOAK_RATE_KEPT_PERCENT = 90;
  static final double SOAK_CATCH_UP_SECONDS = 20;
  static final double SOAK_APPLY_STALL_MILLIS = 20;

  /** The soak's targets: it keeps selling, as fast, in bounded memory, and a restarted replica catches up. */
  static List<BenchResult.TargetCheck> soak(SoakResult s) {
    List<BenchResult.TargetCheck> out = new ArrayList<>();
    out.add(new BenchResult.TargetCheck("soak: failed buys", "= 0", (double) s.failed(), "buys", s.failed() == 0,
        "soak, every buy (" + s.confirmed() + " confirmed)"));
    out.add(atLeast("soak: buys/s of the last full interval vs the first", SOAK_RATE_KEPT_PERCENT, rateKept(s), "%",
        "soak rows of a whole interval"));
    out.add(atMost("soak: cluster RSS idle", SOAK_IDLE_RSS_MIB, mib(s.idle()), "MiB", "soak, before the load"));
    out.add(atMost("soak: cluster RSS after the soak", SOAK_AFTER_RSS_MIB, mib(s.after()), "MiB",
        "soak, after the load"));
    out.add(atMost("soak: follower catch-up (worst)", SOAK_CATCH_UP_SECONDS, worstCatchUp(s), "s",
        "soak, restart to the leader's commit index" + (s.options().wipe() ? " (wiped)" : "")));
    Double stall = s.rows().stream().map(SoakResult.Row::applyStallMaxMillis).reduce(null, NodeProbe::max);
    out.add(atMost("soak: apply stall (max)", SOAK_APPLY_STALL_MILLIS, stall, "ms",
        stall == null ? "not reported by the nodes" : "soak, nodes' " + NodeProbe.APPLY_STALL_FIELD));
    return out;
  }

  /** Percent of the first whole interval's rate kept in the last whole one; null without a whole interval. */
  static Double rateKept(SoakResult s) {
    List<SoakResult.Row> full = s.rows().stream()
        .filter(r -> r.seconds() >= s.options().intervalSeconds() * 0.99).toList();
    if (full.isEmpty() || full.get(0).buysPerSecond() <= 0) {
      return null;
    }
    double first = full.get(0).buysPerSecond();
    return Math.round(full.get(full.size() - 1).buysPerSecond() / first * 1000) / 10.0;
  }

  /**
   * The slowest follower's catch-up; one that never caught up counts as 1e9 s (JSON has no infinity). Null
   * when none was measured (no restart, or the soak was stopped first).
   */
  static Double worstCatchUp(SoakResult s) {
    Double worst = null;
    for (SoakResult.CatchUp c : s.catchUps()) {
      if (c.caughtUpSeconds() != null) {
        worst = NodeProbe.max(worst, c.caughtUpSeconds());
      } else if (!s.interrupted() && c.goalIndex() >= 0) {
        worst = 1e9;
      }
    }
    return worst;
  }

  private static Double mib(SoakResult.Memory m) {
    return m == null || m.totalRssBytes() == null ? null : Math.round(m.totalRssBytes() / 1048576.0 * 10) / 10.0;
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
