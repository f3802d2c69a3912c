package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.Json;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

class ReportWriterTest {
  @TempDir
  Path dir;

  static LatencySummary summary(double p50) {
    return new LatencySummary(100, p50 * 1.1, p50, p50 * 2, p50 * 3, p50 * 4);
  }

  static BenchResult.TierRun run(String op, Boolean cache, Boolean invalidation, double client) {
    Map<String, LatencySummary> latency = new LinkedHashMap<>();
    latency.put("client", summary(client));
    latency.put("frontend", summary(client * 0.8));
    latency.put("catalog", summary(client * 0.3));
    return new BenchResult.TierRun(op, cache, invalidation, 100, 100, 0, 0, cache == Boolean.TRUE ? 93 : 0, latency);
  }

  /** A result with every part filled, and a note with characters HTML must escape. */
  static BenchResult sample() {
    List<BenchResult.TierRun> tiers = List.of(run("search", true, null, 0.2), run("lookup", true, null, 0.1),
        run("buy", true, null, 4.0), run("lookup", false, null, 0.9));
    BenchResult.Invalidation inval = new BenchResult.Invalidation(
        List.of(run("buy", true, true, 4.2), run("buy", true, false, 4.0)), Map.of("client", 5.0),
        List.of(run("lookup after invalidation", true, true, 0.8)));
    List<BenchResult.ScalePoint> points = List.of(
        new BenchResult.ScalePoint("lookup", 1, 10, 50_000, 0, 0, 0, 5_000, summary(0.09)),
        new BenchResult.ScalePoint("lookup", 64, 10, 250_000, 0, 0, 2, 25_000, summary(2.0)),
        new BenchResult.ScalePoint("buy", 1, 10, 2_000, 2_000, 0, 0, 200, summary(4.5)),
        new BenchResult.ScalePoint("buy", 64, 10, 12_000, 12_000, 0, 0, 1_200, summary(40)));
    BenchResult.OpenLoop open = new BenchResult.OpenLoop("mix", 1000, 10, 10_000, 9_990, 10, 999, 64,
        summary(0.5), summary(0.4));
    BenchResult.StockCheck check = new BenchResult.StockCheck("drain item 8", List.of(8), 1000, 0, 1000, 0, true,
        "1000 confirmed of 1000");
    BenchResult.Failover failover = new BenchResult.Failover(4, 2,
        List.of(new BenchResult.Kill("catalog", "catalog-1", 3000, 6000, 900L, 120L),
            new BenchResult.Kill("order", "order-2", 9000, 12000, 1100L, null)),
        List.of(new BenchResult.Bucket(0, 40, 0, 2.5, 9.0), new BenchResult.Bucket(100, 0, 3, 800, 1200)), 40, 3);
    BenchResult.Scale scale = new BenchResult.Scale(points, open, List.of(check));
    return new BenchResult(
        new BenchResult.Options("http://127.0.0.1:8080", true, BenchCommand.EXPERIMENTS, 100, 0, 10,
            List.of(1, 64), List.of("lookup", "buy"), 1000, 10, 677),
        new BenchResult.Machine(2, "Temurin 25", "OpenJDK 64-Bit", "Linux", "abc123", "1.00 2.00 3.00", 1 << 30),
        "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", new BenchResult.Warmup(90, 1000, 0), tiers, inval, scale,
        failover, null, Targets.evaluate(tiers, scale, failover), List.of("a <note> & \"quotes\""));
  }

  @Test
  void jsonHoldsEveryFigureAndReadsBackEqual() throws Exception {
    BenchResult r = sample();
    ReportWriter.write(r, dir);
    Path json = dir.resolve(ReportWriter.JSON_FILE);
    assertThat(ReportWriter.read(json)).isEqualTo(r);
    JsonNode root = Json.MAPPER.readTree(json.toFile());
    assertThat(root.path("machine").path("cores").asInt()).isEqualTo(2);
    assertThat(root.path("tiers").get(0).path("latency").path("frontend").path("p99Ms").asDouble()).isPositive();
    assertThat(root.path("scale").path("openLoop").path("corrected").path("p50Ms").asDouble()).isEqualTo(0.5);
    assertThat(root.path("failover").path("kills").get(1).has("readUnavailableMillis")).as("null left out").isFalse();
    assertThat(root.path("targets").size()).isEqualTo(7);
    assertThat(dir.resolve(ReportWriter.JSON_FILE + ".tmp")).doesNotExist();
  }

  @Test
  void htmlIsSelfContainedWithWellFormedCharts() throws Exception {
    ReportWriter.write(sample(), dir);
    String html = Files.readString(dir.resolve(ReportWriter.HTML_FILE));
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(html).doesNotContain("<script", " src=", " href=", "@import", "url(");
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://", "https://");
    assertThat(html).contains("a &lt;note&gt; &amp; &quot;quotes&quot;").doesNotContain("<note>");
    Matcher svg = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
    int charts = 0;
    while (svg.find()) {
      DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg.group())));
      charts++;
    }
    // tiers, invalidation (2), scale (2), failover (2)
    assertThat(charts).isEqualTo(7);
    assertThat(html).contains("kill catalog-1", "missed", "met");
  }

  @Test
  void terminalSummaryShowsEachPartAndTheTargets() {
    String text = TextReport.render(sample());
    assertThat(text).contains("seed Tables 2 and 3", "seed Table 4", "Closed loop", "Open loop", "drain item 8",
        "Failover", "Targets", "catalog-1", "note: a <note>");
    assertThat(text).contains("cached lookup p50, 1 client");
  }

  @Test
  void targetsAreJudgedFromTheFigures() {
    Map<String, BenchResult.TargetCheck> t = new LinkedHashMap<>();
    sample().targets().forEach(c -> t.put(c.name(), c));
    assertThat(t.get("cached lookup p50, 1 client").met()).isTrue(); // 0.09 ms
    assertThat(t.get("cached lookups/s, 32-64 clients").measured()).isEqualTo(25_000);
    assertThat(t.get("uncached lookup p50, 1 client").met()).isTrue(); // 0.9 ms
    assertThat(t.get("buy p50, 1 client").met()).isTrue(); // 4.5 ms
    assertThat(t.get("confirmed buys/s, 32-64 clients").met()).isTrue();
    assertThat(t.get("oversell (inconsistent stock checks)").met()).isTrue();
    assertThat(t.get("leader-kill unavailability (buys, worst)").measured()).isEqualTo(1.1);
    assertThat(Targets.evaluate(null, null, null)).allSatisfy(c -> assertThat(c.met()).isNull());
  }

  @Test
  void invalidationOverheadIsRelativeToTheMeanWithout() {
    Map<String, Double> o = Experiments.overhead(run("buy", true, true, 5.0), run("buy", true, false, 4.0));
    assertThat(o.get("client")).isEqualTo(25.0);
    assertThat(o.keySet()).containsExactly("client", "frontend", "catalog");
  }
}
