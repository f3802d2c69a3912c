package io.pygmy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The terminal summary of a run: plain tables, milliseconds unless the column says otherwise. */
final class TextReport {
  private TextReport() {}

  static String render(BenchResult r) {
    StringBuilder out = new StringBuilder();
    BenchResult.Machine m = r.machine();
    out.append(String.format(Locale.ROOT, "pygmy bench  %s  (%d cores, %s, commit %s, load %s)%n%n", r.startedAt(),
        m.cores(), m.jdk(), m.gitCommit(), m.loadAverageAtStart()));
    if (r.tiers() != null) {
      out.append("Per-tier latency, sequential requests (seed Tables 2 and 3), ms\n");
      out.append(tierTable(r.tiers())).append('\n');
    }
    if (r.invalidation() != null) {
      out.append("Buys with cache invalidation on and off (seed Table 4), ms\n");
      out.append(tierTable(r.invalidation().buys()));
      out.append("overhead of invalidation on the mean: ").append(r.invalidation().overheadPercentOfMean())
          .append(" %\n\nReads right after an invalidation, ms\n");
      out.append(tierTable(r.invalidation().readsAfterInvalidation())).append('\n');
    }
    if (r.scale() != null) {
      out.append("Closed loop: throughput and latency by concurrent clients, ms\n");
      Table t = new Table("workload", "clients", "ok/s", "ok", "out of stock", "errors", "p50", "p90", "p99", "max");
      for (BenchResult.ScalePoint p : r.scale().points()) {
        LatencySummary l = p.latency();
        t.row(p.workload(), p.clients(), String.format(Locale.ROOT, "%,.0f", p.throughputPerSecond()), p.ok(),
            p.outOfStock(), p.errors(), ms(l == null ? null : l.p50Ms()), ms(l == null ? null : l.p90Ms()),
            ms(l == null ? null : l.p99Ms()), ms(l == null ? null : l.maxMs()));
      }
      out.append(t.render());
      BenchResult.OpenLoop o = r.scale().openLoop();
      if (o != null) {
        out.append(String.format(Locale.ROOT, "%nOpen loop, %s at %,d/s for %.0f s: %,.0f ok/s, %d errors%n",
            o.workload(), o.ratePerSecond(), o.seconds(), o.achievedPerSecond(), o.errors()));
        Table ot = new Table("latency from", "p50", "p90", "p99", "max");
        addSummary(ot, "due time (corrected)", o.corrected());
        addSummary(ot, "send time (service)", o.serviceTime());
        out.append(ot.render());
      }
      if (!r.scale().stockChecks().isEmpty()) {
        out.append("\nStock checks\n");
        for (BenchResult.StockCheck c : r.scale().stockChecks()) {
          out.append("  ").append(c.consistent() ? "ok    " : "FAILED").append(' ').append(c.phase()).append(": ")
              .append(c.detail()).append('\n');
        }
      }
      out.append('\n');
    }
    if (r.failover() != null) {
      out.append("Failover: unavailability after SIGKILL of each leader\n");
      Table t = new Table("service", "node", "killed at s", "buys unavailable ms", "reads unavailable ms");
      for (BenchResult.Kill k : r.failover().kills()) {
        t.row(k.service(), k.node(), String.format(Locale.ROOT, "%.1f", k.killedAtMillis() / 1000.0),
            k.buyUnavailableMillis(), k.readUnavailableMillis());
      }
      out.append(t.render()).append(String.format(Locale.ROOT, "%,d ok, %,d errors during the experiment%n%n",
          r.failover().ok(), r.failover().errors()));
    }
    if (r.soak() != null) {
      out.append(SoakText.render(r.soak()));
    }
    if (r.targets() != null && !r.targets().isEmpty()) {
      out.append("Targets (reported, not asserted)\n");
      Table t = new Table("target", "wanted", "measured", "", "from");
      for (BenchResult.TargetCheck c : r.targets()) {
        t.row(c.name(), c.target() + " " + c.unit(), c.measured() == null ? "-" : num(c.measured()),
            c.met() == null ? "not measured" : c.met() ? "met" : "MISSED", c.source());
      }
      out.append(t.render());
    }
    for (String note : r.notes()) {
      out.append("note: ").append(note).append('\n');
    }
    return out.toString();
  }

  private static String tierTable(List<BenchResult.TierRun> runs) {
    Table t = new Table("request", "cache", "invalidation", "ok", "hits", "series", "n", "mean", "p50", "p90", "p99",
        "max");
    for (BenchResult.TierRun run : runs) {
      boolean first = true;
      for (Map.Entry<String, LatencySummary> e : run.latency().entrySet()) {
        LatencySummary l = e.getValue();
        t.row(first ? run.op() : "", first ? onOff(run.cache()) : "", first ? onOff(run.invalidation()) : "",
            first ? run.ok() + "/" + run.requests() : "", first ? run.cacheHits() : "", e.getKey(), l.count(),
            ms(l.meanMs()), ms(l.p50Ms()), ms(l.p90Ms()), ms(l.p99Ms()), ms(l.maxMs()));
        first = false;
      }
    }
    return t.render();
  }

  private static void addSummary(Table t, String label, LatencySummary l) {
    if (l != null) {
      t.row(label, ms(l.p50Ms()), ms(l.p90Ms()), ms(l.p99Ms()), ms(l.maxMs()));
    }
  }

  private static String onOff(Boolean b) {
    return b == null ? "-" : b ? "on" : "off";
  }

  static String ms(Double v) {
    if (v == null) {
      return "-";
    }
    return v < 10 ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String num(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
  }

  /** Columns padded to their widest cell, two spaces apart. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
      this.columns = header.length;
      rows.add(header);
    }

    Table row(Object... cells) {
      if (cells.length != columns) {
        throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
      }
      String[] r = new String[columns];
      for (int i = 0; i < columns; i++) {
        r[i] = cells[i] == null ? "-" : cells[i].toString();
      }
      rows.add(r);
      return this;
    }

    String render() {
      int[] w = new int[columns];
      for (String[] r : rows) {
        for (int i = 0; i < columns; i++) {
          w[i] = Math.max(w[i], r[i].length());
        }
      }
      StringBuilder out = new StringBuilder();
      for (String[] r : rows) {
        StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < columns; i++) {
          line.append(r[i]).append(" ".repeat(w[i] - r[i].length() + 2));
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
      return out.toString();
    }
  }
}
