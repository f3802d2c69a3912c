package io.pygmy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pygmy.raft.ReplicaStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One node's metrics, exposed as Prometheus text at {@code /metrics}: HTTP requests per route with a
 * latency histogram, Raft role, term and indices (replicas), read-cache figures (frontends), buys by
 * outcome, and JVM basics. Every series carries {@code tier} and {@code node}, so one Prometheus job can
 * scrape every node. The recent per-route window behind the dashboard is kept here too.
 */
public final class NodeMetrics implements AutoCloseable {
  /** The Raft roles a replica can report; one gauge each, 1 for the current role. */
  static final List<String> RAFT_ROLES = List.of("LEADER", "FOLLOWER", "CANDIDATE", "LISTENER");
  /** Latency buckets of the request histogram (bounded: 14 buckets per route and status). */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final RouteWindow recent;
  /** Timers by "method route status"; bounded because routes are templates and statuses few. */
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final String tier;

  private NodeMetrics(String tier, String node, LongSupplier nanoClock, boolean jvm) {
    this.tier = tier;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("tier", tier, "node", node);
    this.recent = new RouteWindow(nanoClock);
    if (jvm) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      this.gc = new JvmGcMetrics();
      gc.bindTo(registry);
    } else {
      this.gc = null;
    }
  }

  /** Metrics of a node process, JVM metrics included. */
  public static NodeMetrics forNode(String tier, String node) {
    return new NodeMetrics(tier, node, System::nanoTime, true);
  }

  /** Without JVM binders and with a test clock: for tests of what this class records. */
  static NodeMetrics forTest(String tier, String node, LongSupplier nanoClock) {
    return new NodeMetrics(tier, node, nanoClock, false);
  }

  public String tier() {
    return tier;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * One answered HTTP request. {@code route} is the matched template ({@code /api/books/{id}}), never
   * the raw path, so the number of series stays bounded.
   */
  public void recordRequest(String method, String route, int status, long latencyNanos) {
    String series = method + " " + route;
    // The registry would find the timer too, but only after building its id: this is on every request.
    Timer timer = timers.get(series + " " + status);
    if (timer == null) {
      timer = timers.computeIfAbsent(series + " " + status, k -> Timer.builder("pygmy.http.requests")
          .description("HTTP requests answered by this node, by route and status")
          .tags(Tags.of("method", method, "route", route, "status", Integer.toString(status)))
          .serviceLevelObjectives(LATENCY_BUCKETS)
          .register(registry));
    }
    timer.record(latencyNanos, TimeUnit.NANOSECONDS);
    recent.record(series, latencyNanos, status >= 500);
  }

  /** Counts a buy by its outcome: {@code confirmed}, {@code rejected} (out of stock) or {@code failed}. */
  public void countBuy(String outcome) {
    buyCounter(outcome).increment();
  }

  public double buys(String outcome) {
    return buyCounter(outcome).count();
  }

  /** Records how many buys one group commit carried (one catalog entry, one order entry). */
  public void recordBuyBatch(int size) {
    DistributionSummary.builder("pygmy.buy.batch.size").description("Buys per group commit")
        .publishPercentiles(0.5, 0.99).register(registry).record(size);
  }

  private Counter buyCounter(String outcome) {
    return Counter.builder("pygmy.buys").description("Buys by outcome").tag("outcome", outcome).register(registry);
  }

  /** Gauges of this replica's Raft state, read from {@code status} at each scrape. */
  public void bindRaft(Supplier<ReplicaStatus> status) {
    Gauge.builder("pygmy.raft.term", () -> status.get().term()).description("Current Raft term").register(registry);
    Gauge.builder("pygmy.raft.commit.index", () -> status.get().commitIndex())
        .description("Highest log index known committed").register(registry);
    Gauge.builder("pygmy.raft.applied.index", () -> status.get().appliedIndex())
        .description("Highest log index applied to the state machine").register(registry);
    Gauge.builder("pygmy.raft.leader.known", () -> status.get().leader() == null ? 0 : 1)
        .description("1 when this replica knows a leader").register(registry);
    for (String role : RAFT_ROLES) {
      Gauge.builder("pygmy.raft.role", () -> role.equalsIgnoreCase(status.get().role()) ? 1 : 0)
          .description("1 for this replica's current Raft role").tag("role", role.toLowerCase(Locale.ROOT))
          .register(registry);
    }
  }

  /** Gauges and counters of the frontend's read cache, from its {@code stats()} map at each scrape. */
  public void bindCache(Supplier<Map<String, Object>> stats) {
    Gauge.builder("pygmy.cache.entries", () -> number(stats.get(), "entries")).register(registry);
    Gauge.builder("pygmy.cache.hit.ratio", () -> number(stats.get(), "hitRatio")).register(registry);
    Gauge.builder("pygmy.cache.enabled", () -> Boolean.TRUE.equals(stats.get().get("enabled")) ? 1 : 0)
        .register(registry);
    for (String name : List.of("hits", "misses", "invalidations", "flushes", "refusedFills")) {
      FunctionCounter.builder("pygmy.cache." + snake(name), stats, s -> number(s.get(), name)).register(registry);
    }
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** Recent traffic per route, busiest first, for the dashboard. */
  public List<RouteWindow.RouteStats> recentTraffic() {
    return recent.snapshot();
  }

  static double number(Map<String, Object> map, String key) {
    return map.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1.$2").toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
