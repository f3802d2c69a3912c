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
 * A short soak through the real command line ({@code java -jar pygmy.jar bench --start -e soak}): a few
 * thousand orders, a row every 5 s, two followers killed half-way. Checks that every figure is there
 * and sane; never a timing threshold (this machine is shared, and the targets are reported, not asserted).
 */
class SoakSmokeIT {
  private static final int ORDERS = 3000;
  /** About a minute on a quiet two-core machine; the limit leaves room for a busy one. */
  private static final long RUN_LIMIT_SECONDS = 300;
  private static Path out;
  private static String output;
  private static JsonNode soak;

  @BeforeAll
  static void runTheSoak() throws IOException, InterruptedException {
    String jar = System.getProperty("pygmy.jar");
    Assumptions.assumeTrue(jar != null, "the smoke test runs the packaged jar; run it through `mvn verify`");
    if (!Files.exists(Path.of(jar))) {
      fail("the packaged jar is missing: " + jar);
    }
    out = Files.createTempDirectory("pygmy-soak-it-");
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
        "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar, "bench", "--start", "-e", "soak", "--warmup", "0",
        "--orders", Integer.toString(ORDERS), "--soak-interval", "5s", "--soak-settle", "1s", "--soak-down", "2s",
        "--out", out.resolve("results").toString()));
    Path log = out.resolve("bench.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("the soak did not finish within " + RUN_LIMIT_SECONDS + " s; its output:\n" + Files.readString(log));
    }
    output = Files.readString(log);
    assertThat(p.exitValue()).as("exit code; output:\n%s", output).isZero();
    soak = Json.MAPPER.readTree(out.resolve("results").resolve(ReportWriter.SOAK_JSON_FILE).toFile());
  }

  @AfterAll
  static void deleteOutput() {
    if (out != null) {
      Store.deleteTree(out);
    }
  }

  @Test
  void everyOrderIsConfirmedWithoutAFailure() {
    assertThat(soak.path("confirmed").asLong()).isGreaterThanOrEqualTo(ORDERS);
    assertThat(soak.path("failed").asLong()).as(output).isZero();
    assertThat(soak.path("outOfStock").asLong()).isZero();
    assertThat(soak.path("interrupted").asBoolean()).isFalse();
  }

  @Test
  void eachRowHasTheRateLatencyAndEveryNodesMemoryAndDisk() {
    JsonNode rows = soak.path("rows");
    assertThat(rows.size()).as(output).isPositive();
    long sum = 0;
    for (JsonNode r : rows) {
      sum += r.path("confirmed").asLong();
      assertThat(r.path("failed").asLong()).isZero();
      assertThat(r.path("nodes").size()).as("3 catalog, 3 order, 1 frontend").isEqualTo(7);
      assertThat(r.path("totalRssBytes").asLong()).isPositive();
      assertThat(r.path("totalDiskBytes").asLong()).isPositive();
      if (r.path("confirmed").asLong() > 0) {
        assertThat(r.path("buysPerSecond").asDouble()).isPositive();
        assertThat(r.path("p50Ms").asDouble()).isPositive().isLessThanOrEqualTo(r.path("p99Ms").asDouble());
      }
    }
    assertThat(sum).isEqualTo(soak.path("confirmed").asLong());
    assertThat(rows.get(rows.size() - 1).path("confirmedTotal").asLong()).isEqualTo(sum);
    for (String memory : List.of("idle", "after")) {
      assertThat(soak.path(memory).path("totalRssBytes").asLong()).as(memory).isPositive();
      assertThat(soak.path(memory).path("nodes").size()).isEqualTo(7);
    }
  }

  @Test
  void aCatalogAndAnOrderFollowerWereKilledAndCaughtUp() {
    JsonNode catchUps = soak.path("catchUps");
    assertThat(catchUps.size()).as(output).isEqualTo(2);
    assertThat(catchUps.get(0).path("service").asText()).isEqualTo("catalog");
    assertThat(catchUps.get(1).path("service").asText()).isEqualTo("order");
    for (JsonNode c : catchUps) {
      assertThat(c.path("goalIndex").asLong()).as(c.toString()).isPositive();
      assertThat(c.path("caughtUpSeconds").isNumber()).as("caught up: %s", c).isTrue();
      assertThat(c.path("restartedAtSeconds").asDouble()).isGreaterThan(c.path("killedAtSeconds").asDouble());
    }
    assertThat(output).contains("killed catalog-", "restarted catalog-");
  }

  @Test
  void theReportHasTheSoakTableChartsTargetsAndRawRows() throws IOException {
    Path results = out.resolve("results");
    assertThat(output).contains("Soak: ", "Catch-up of restarted followers", "soak: failed buys");
    String html = Files.readString(results.resolve(ReportWriter.HTML_FILE));
    assertThat(html).contains("<h2>Soak</h2>", "Resident memory per node", "<svg");
    List<String> csv = Files.readAllLines(results.resolve(ReportWriter.SOAK_CSV_FILE));
    assertThat(csv).hasSize(soak.path("rows").size() + 1);
    JsonNode targets = Json.MAPPER.readTree(results.resolve(ReportWriter.JSON_FILE).toFile()).path("targets");
    assertThat(targets.size()).as("only the soak's targets when only the soak ran").isEqualTo(6);
    for (JsonNode t : targets) {
      assertThat(t.path("name").asText()).startsWith("soak: ");
      if (!t.path("name").asText().contains("apply stall")) {
        assertThat(t.path("measured").isNumber()).as(t.toString()).isTrue();
      }
    }
  }
}
