package io.pygmy.bench;

import java.util.List;
import java.util.Map;

/**
 * What the soak measured, as written to {@code bench.json} and {@code soak.json}: one row per interval,
 * the cluster's memory before and after the load, and how long restarted followers took to catch up.
 * Bytes are bytes, latencies milliseconds, times seconds since the load began. Unknown figures are null
 * (left out of the JSON): a node that did not answer, a field the store does not report (yet).
 */
public record SoakResult(
    Options options,
    boolean interrupted,
    double seconds,
    long confirmed,
    long outOfStock,
    long failed,
    Map<String, Long> failuresByCause,
    List<String> firstFailures,
    Memory idle,
    Memory after,
    List<Row> rows,
    List<CatchUp> catchUps,
    List<String> notes) {

  /** The options the soak ran with. */
  public record Options(long orders, int clients, double intervalSeconds, long restartAt, double downSeconds,
                         boolean wipe, double settleSeconds, double catchUpTimeoutSeconds, List<Integer> items) {}

  /** One node at one moment: its resident memory, its data directory's size, and what its status said. */
  public record NodeSample(String name, String service, String role, Long rssBytes, Long diskBytes,
                           Double applyStallMaxMillis, Double snapshotMaxMillis) {}

  /** The whole cluster's resident memory at one moment (after a settle), and each node's. */
  public record Memory(double atSeconds, Long totalRssBytes, List<NodeSample> nodes) {}

  /**
   * One interval: buys confirmed in it and their rate, latency of the answered buys, failures by cause,
   * each node at its end, and what the bench did to the cluster in it (kills, restarts).
   */
  public record Row(int index, double endSeconds, double seconds, long confirmed, long confirmedTotal,
                    double buysPerSecond, Double p50Ms, Double p99Ms, Double maxMs, long outOfStock, long failed,
                    Map<String, Long> failures, Long totalRssBytes, Long totalDiskBytes, Double applyStallMaxMillis,
                    Double snapshotMaxMillis, List<NodeSample> nodes, List<String> events) {}

  /**
   * One follower killed and restarted: the leader's commit index when it was started again, how long
   * until the restarted process first answered {@code /status} (its JVM's start), and until it had
   * applied that index (null: not within the timeout).
   */
  public record CatchUp(String service, String node, boolean wiped, double killedAtSeconds,
                        double restartedAtSeconds, long goalIndex, Double answeredSeconds, Double caughtUpSeconds,
                        String detail) {}
}
