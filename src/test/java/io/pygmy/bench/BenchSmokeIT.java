package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A short run of every experiment through the real command line ({@code java -jar pygmy.jar bench
 * --start}), checking that every figure is present and sane. Timing thresholds are deliberately not
 * checked: this machine is shared, and the targets are reported by the bench, not asserted.
 */
class BenchSmokeIT {
  private static final int REQUESTS = 50;
  private static final int SCARCE_STOCK = 100;
  /** About 90 s on an idle two-core machine; the limit leaves room for one shared with other clusters. */
  private static final long RUN_LIMIT_SECONDS = 480;
  private static JsonNode result;
  private static Path out;

  @BeforeAll
  static void runTheBench() throws IOException, InterruptedException {
    String jar = System.getProperty("pygmy.jar");
    // Picked up by a surefire pattern (-Dtest='io.pygmy.bench.**'): only failsafe passes the jar.
    Assumptions.assumeTrue(jar != null, "the smoke test runs the packaged jar; run it through `mvn verify`");
    if (!Files.exists(Path.of(jar))) {
      fail("the smoke test runs the packaged jar; run it through `mvn verify` (pygmy.jar=" + jar + ")");
    }
    out = Files.createTempDirectory("pygmy-bench-it-");
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
        "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar, "bench", "--start", "--warmup", "0",
        "--requests", Integer.toString(REQUESTS), "--duration", "2s", "--clients", "1,32",
        "--scarce-stock", Integer.toString(SCARCE_STOCK),
        "--open-rate", "200", "--open-duration", "2s", "--out", out.resolve("results").toString()));
    Path log = out.resolve("bench.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("the bench did not finish within " + RUN_LIMIT_SECONDS + " s; its output:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(p.exitValue()).as("exit code; output:\n%s", output).isZero();
    assertThat(output).contains("Targets (reported, not asserted)");
    result = Json.MAPPER.readTree(out.resolve("results").resolve(ReportWriter.JSON_FILE).toFile());
  }

  @AfterAll
  static void deleteOutput() throws IOException {
    if (out != null) {
      try (var paths = Files.walk(out)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void recordsTheSettingsAndTheMachine() {
    assertThat(result.path("options").path("requests").asInt()).isEqualTo(REQUESTS);
    assertThat(result.path("options").path("startedCluster").asBoolean()).isTrue();
    assertThat(result.path("machine").path("cores").asInt()).isPositive();
    assertThat(result.path("machine").path("jdk").asText()).isNotBlank();
    assertThat(result.path("machine").path("gitCommit").asText()).isNotBlank();
    assertThat(result.path("startedAt").asText()).isLessThan(result.path("finishedAt").asText());
  }

  @Test
  void tiersMeasureEveryRequestKindWithAndWithoutTheCache() {
    JsonNode tiers = result.path("tiers");
    assertThat(tiers.size()).isEqualTo(6);
    for (JsonNode run : tiers) {
      String op = run.path("op").asText();
      boolean cache = run.path("cache").asBoolean();
      assertThat(run.path("ok").asInt()).as("%s cache %s", op, cache).isEqualTo(REQUESTS);
      assertThat(run.path("errors").asInt()).isZero();
      JsonNode l = run.path("latency");
      sane(l.path("client"), REQUESTS);
      sane(l.path("frontend"), REQUESTS);
      // Each tier's time includes the tiers below it, and the client's includes the frontend's.
      assertThat(l.path("frontend").path("meanMs").asDouble()).isLessThanOrEqualTo(l.path("client").path("meanMs").asDouble());
      if (op.equals("buy")) {
        sane(l.path("order"), REQUESTS);
        sane(l.path("catalog"), REQUESTS);
        assertThat(l.path("catalog").path("meanMs").asDouble()).isLessThanOrEqualTo(l.path("order").path("meanMs").asDouble());
        assertThat(l.path("order").path("meanMs").asDouble()).isLessThanOrEqualTo(l.path("frontend").path("meanMs").asDouble());
      } else if (cache) {
        assertThat(run.path("cacheHits").asInt()).as("%s served from the cache", op).isGreaterThan(REQUESTS / 2);
      } else {
        assertThat(run.path("cacheHits").asInt()).isZero();
        sane(l.path("catalog"), REQUESTS);
      }
    }
  }

  @Test
  void invalidationComparesBuysAndMeasuresReadsThatMissAfterIt() {
    JsonNode inv = result.path("invalidation");
    assertThat(inv.path("buys").size()).isEqualTo(2);
    assertThat(inv.path("buys").get(0).path("invalidation").asBoolean()).isTrue();
    assertThat(inv.path("buys").get(1).path("invalidation").asBoolean()).isFalse();
    for (JsonNode b : inv.path("buys")) {
      assertThat(b.path("ok").asInt()).isEqualTo(REQUESTS);
      sane(b.path("latency").path("catalog"), REQUESTS);
    }
    assertThat(inv.path("overheadPercentOfMean").has("client")).isTrue();
    JsonNode reads = inv.path("readsAfterInvalidation");
    assertThat(reads.size()).isEqualTo(3);
    int rounds = reads.get(0).path("requests").asInt();
    assertThat(rounds).isPositive();
    // Nearly always every one: a heartbeat delayed past the cache lease on this loaded box (the whole
    // suite shares two cores) flushes the cache and can cost a fill. After the buy, never one.
    assertThat(reads.get(0).path("cacheHits").asInt()).as("the read before the buy hits")
        .isGreaterThan(rounds / 2);
    for (JsonNode r : List.of(reads.get(1), reads.get(2))) {
      assertThat(r.path("cacheHits").asInt()).as("%s: the buy invalidated it", r.path("op").asText()).isZero();
      sane(r.path("latency").path("catalog"), rounds);
    }
  }

  @Test
  void scaleSweepsEveryWorkloadAndChecksStock() {
    JsonNode points = result.path("scale").path("points");
    assertThat(points.size()).isEqualTo(4 * 2);
    for (JsonNode p : points) {
      assertThat(p.path("throughputPerSecond").asDouble()).as(p.toString()).isPositive();
      assertThat(p.path("errors").asLong()).as(p.toString()).isZero();
      sane(p.path("latency"), 1);
      if (p.path("workload").asText().equals("buy")) {
        assertThat(p.path("confirmedBuys").asLong()).isEqualTo(p.path("ok").asLong());
      }
    }
    JsonNode open = result.path("scale").path("openLoop");
    assertThat(open.path("due").asLong()).isEqualTo(400);
    assertThat(open.path("ok").asLong() + open.path("errors").asLong()).isEqualTo(400);
    sane(open.path("corrected"), 1);
    sane(open.path("serviceTime"), 1);
    for (String f : List.of("p50Ms", "p90Ms", "p99Ms", "maxMs")) {
      // Counted from when each request was due, never from later than it was sent.
      assertThat(open.path("corrected").path(f).asDouble())
          .isGreaterThanOrEqualTo(open.path("serviceTime").path(f).asDouble() * 0.999);
    }
    JsonNode checks = result.path("scale").path("stockChecks");
    assertThat(checks.size()).isEqualTo(3);
    for (JsonNode c : checks) {
      assertThat(c.path("consistent").asBoolean()).as(c.toString()).isTrue();
    }
    JsonNode drain = checks.get(2);
    assertThat(drain.path("stockBefore").asLong()).isEqualTo(SCARCE_STOCK);
    assertThat(drain.path("stockAfter").asLong()).as(drain.toString()).isZero();
    assertThat(drain.path("confirmed").asLong()).isEqualTo(SCARCE_STOCK);
  }

  @Test
  void failoverKillsEachLeaderAndSeesTheStoreRecover() {
    JsonNode f = result.path("failover");
    assertThat(f.path("kills").size()).isEqualTo(2);
    assertThat(f.path("kills").get(0).path("service").asText()).isEqualTo("catalog");
    assertThat(f.path("kills").get(1).path("service").asText()).isEqualTo("order");
    for (JsonNode k : f.path("kills")) {
      assertThat(k.path("buyUnavailableMillis").isNumber()).as("buys recovered: %s", k).isTrue();
      assertThat(k.path("buyUnavailableMillis").asLong()).isNotNegative();
      assertThat(k.path("restartedAtMillis").asLong()).isGreaterThan(k.path("killedAtMillis").asLong());
    }
    assertThat(f.path("timeline").size()).isGreaterThan(50);
    assertThat(f.path("ok").asLong()).isPositive();
  }

  @Test
  void everyTargetIsMeasuredAndTheReportHasCharts() throws IOException {
    JsonNode targets = result.path("targets");
    assertThat(targets.size()).isEqualTo(7);
    for (JsonNode t : targets) {
      assertThat(t.path("measured").isNumber()).as(t.toString()).isTrue();
      assertThat(t.path("met").isBoolean()).as(t.toString()).isTrue();
    }
    String html = Files.readString(out.resolve("results").resolve(ReportWriter.HTML_FILE));
    assertThat(html).contains("<svg", "Failover", "Targets");
  }

  /** A latency summary with {@code minCount} samples or more, positive, finite and ordered. */
  private static void sane(JsonNode s, int minCount) {
    assertThat(s.isObject()).as("summary present").isTrue();
    assertThat(s.path("count").asLong()).isGreaterThanOrEqualTo(minCount);
    double mean = s.path("meanMs").asDouble();
    double p50 = s.path("p50Ms").asDouble();
    double max = s.path("maxMs").asDouble();
    assertThat(mean).isPositive().isLessThan(60_000);
    assertThat(p50).isPositive().isLessThanOrEqualTo(s.path("p90Ms").asDouble());
    assertThat(s.path("p99Ms").asDouble()).isLessThanOrEqualTo(max);
    assertThat(mean).isLessThanOrEqualTo(max);
  }
}
