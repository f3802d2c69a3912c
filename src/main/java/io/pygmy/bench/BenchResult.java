package io.pygmy.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one bench run measured, as written to {@code bench.json}. Latencies are milliseconds,
 * throughputs per second, times on the timeline milliseconds since the phase began. A part that was not
 * run is null; a part that was skipped says why in {@link #notes}.
 */
public record BenchResult(
    Options options,
    Machine machine,
    String startedAt,
    String finishedAt,
    Warmup warmup,
    List<TierRun> tiers,
    Invalidation invalidation,
    Scale scale,
    Failover failover,
    SoakResult soak,
    List<TargetCheck> targets,
    List<String> notes) {

  /** The settings the run used. */
  public record Options(String url, boolean startedCluster, List<String> experiments, int requests,
                        double warmupSeconds, double pointSeconds, List<Integer> clients, List<String> workloads,
                        int openLoopRatePerSecond, double openLoopSeconds, long seed) {}

  /** Where it ran: a shared machine makes figures noisy, so its load is recorded too. */
  public record Machine(int cores, String jdk, String jvm, String os, String gitCommit, String loadAverageAtStart,
                        long maxHeapBytes) {}

  public record Warmup(double seconds, long requests, long errors) {}

  /**
   * N sequential requests of one kind (seed Tables 2 and 3): latency at the client and per tier, keyed
   * "client", "frontend", "catalog", "order". A tier's count says how many requests reached it.
   */
  public record TierRun(String op, Boolean cache, Boolean invalidation, int requests, int ok, int outOfStock,
                        int errors, int cacheHits, Map<String, LatencySummary> latency) {}

  /** Buys with invalidation on and off (seed Table 4), and reads right after an invalidation. */
  public record Invalidation(List<TierRun> buys, Map<String, Double> overheadPercentOfMean,
                             List<TierRun> readsAfterInvalidation) {}

  /** One closed-loop point: {@code clients} threads each sending the next request when the last returns. */
  public record ScalePoint(String workload, int clients, double seconds, long ok, long confirmedBuys, long outOfStock,
                           long errors,
                           double throughputPerSecond, LatencySummary latency) {}

  /**
   * Requests sent at a fixed rate whatever the answers: {@code corrected} counts each latency from when
   * the request was due (what a user arriving then would see, coordinated omission corrected),
   * {@code serviceTime} from when it was actually sent.
   */
  public record OpenLoop(String workload, int ratePerSecond, double seconds, long due, long ok, long errors,
                         double achievedPerSecond, int maxConcurrency, LatencySummary corrected,
                         LatencySummary serviceTime) {}

  /** Stock conservation around buy phases: every confirmed buy took one copy, and none was sold twice. */
  public record StockCheck(String phase, List<Integer> items, long stockBefore, long stockAfter, long confirmed,
                           long errors, boolean consistent, String detail) {}

  public record Scale(List<ScalePoint> points, OpenLoop openLoop, List<StockCheck> stockChecks) {}

  /** 100 ms of the failover timeline: answers completed in it, and their latencies. */
  public record Bucket(long atMillis, int ok, int errors, double meanMs, double maxMs) {}

  /** One leader kill: when, which node, and how long each kind of request went without a success. */
  public record Kill(String service, String node, long killedAtMillis, long restartedAtMillis,
                     Long buyUnavailableMillis, Long readUnavailableMillis) {}

  public record Failover(int buyClients, int readClients, List<Kill> kills, List<Bucket> timeline, long ok,
                         long errors) {}

  /** A target from the issue, the figure measured for it, and whether it was met (null: not measured). */
  public record TargetCheck(String name, String target, Double measured, String unit, Boolean met, String source) {}
}
