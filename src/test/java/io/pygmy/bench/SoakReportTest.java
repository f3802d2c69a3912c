package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.Json;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

class SoakReportTest {
  @TempDir
  Path dir;

  static BenchResult withSoak(SoakResult soak) {
    BenchResult base = ReportWriterTest.sample();
    return new BenchResult(base.options(), base.machine(), base.startedAt(), base.finishedAt(), base.warmup(), null,
        null, null, null, soak, Targets.soak(soak), List.of());
  }

  @Test
  void textHasOneLinePerIntervalWithEveryNodeThenMemoryAndCatchUp() {
    String text = TextReport.render(withSoak(SoakFixtures.typical()));
    assertThat(text).contains("Soak: 100,000 confirmed orders", "catalog-1", "order-1", "frontend-1",
        "killed catalog-1, order-1 at 25.0 s", "cluster RSS idle, before the load: 700 MiB",
        "cluster RSS after the load: 900 MiB", "Catch-up of restarted followers", "not reported by the nodes",
        "soak: failed buys");
    // The row of interval 2: 1,450 buys/s, p50 22 ms, 0 failed, RSS 202+182+90 MiB, catalog-1 202/20 MiB.
    assertThat(text).containsPattern("(?m)^  2 +20\\.0 +10\\.0 +1,450 +22\\.0 +62\\.0 +0 +474 +36 +202/20 ");
    assertThat(text).doesNotContain("First failures");
  }

  @Test
  void failuresAreListedByCauseWithTheFirstFew() {
    String text = SoakText.render(SoakFixtures.soak(List.of(1000.0, 1000.0), 5, 3.0, 1.0));
    assertThat(text).contains("5 failed", "Failed buys by cause: 503 capacity_exhausted x5", "First failures",
        "at 12.0 s: 503 capacity_exhausted", "longest apply stall: 3.000 ms");
  }

  @Test
  void htmlHasTheFourSoakChartsWellFormedWithTheRestartMarked() throws Exception {
    String html = HtmlReport.render(withSoak(SoakFixtures.typical()));
    assertThat(html).contains("<h2>Soak</h2>", "Confirmed buys/s per interval", "Buy latency per interval",
        "Resident memory per node", "Data directory per node", "kill catalog-1, order-1", "soak.csv");
    assertThat(html).doesNotContain("<script", " src=", " href=");
    Matcher svg = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
    int charts = 0;
    while (svg.find()) {
      DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg.group())));
      charts++;
    }
    assertThat(charts).isEqualTo(4);
  }

  @Test
  void aSoakWithoutRowsSaysSoInsteadOfDrawing() {
    SoakResult t = SoakFixtures.typical();
    SoakResult empty = new SoakResult(t.options(), true, 0, 0, 0, 0, t.failuresByCause(), List.of(), null, null,
        List.of(), List.of(), List.of("soak: interrupted; a partial report"));
    assertThat(SoakCharts.render(empty)).doesNotContain("<svg").contains("No interval");
    assertThat(SoakText.render(empty)).contains("(interrupted: partial)", "note: soak: interrupted; a partial report");
  }

  @Test
  void rowsAreWrittenAsCsvAndJsonBesideTheReport() throws Exception {
    BenchResult r = withSoak(SoakFixtures.soak(List.of(1000.0, 900.0), 2, null, 3.0));
    ReportWriter.write(r, dir);
    assertThat(ReportWriter.read(dir.resolve(ReportWriter.JSON_FILE))).isEqualTo(r);
    List<String> csv = Files.readAllLines(dir.resolve(ReportWriter.SOAK_CSV_FILE));
    assertThat(csv).hasSize(1 + 3);
    assertThat(csv.get(0)).startsWith("index,end_s,seconds,confirmed,confirmed_total,buys_per_s,p50_ms,p99_ms")
        .contains("catalog-1_rss_bytes", "frontend-1_disk_bytes").endsWith(",events");
    int columns = csv.get(0).split(",", -1).length;
    assertThat(csv.get(1).split(",", -1)).hasSize(columns);
    assertThat(csv.get(2)).contains("503 capacity_exhausted=2");
    assertThat(csv.get(3)).contains("killed catalog-1");
    JsonNode soak = Json.MAPPER.readTree(dir.resolve(ReportWriter.SOAK_JSON_FILE).toFile());
    assertThat(soak.path("rows").size()).isEqualTo(3);
    assertThat(soak.path("rows").get(0).path("nodes").get(0).path("rssBytes").asLong()).isEqualTo(201L << 20);
    assertThat(soak.path("rows").get(0).has("applyStallMaxMillis")).as("unknown is left out").isFalse();
  }

  @Test
  void csvCellsWithCommasOrQuotesAreQuoted() {
    assertThat(SoakCsv.cell(null)).isEmpty();
    assertThat(SoakCsv.cell(12.5)).isEqualTo("12.5");
    assertThat(SoakCsv.cell("a, b")).isEqualTo("\"a, b\"");
    assertThat(SoakCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
  }
}
