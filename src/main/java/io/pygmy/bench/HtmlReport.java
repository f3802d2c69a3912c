package io.pygmy.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) with a
 * chart per experiment, the target checks, and the full terminal summary.
 */
final class HtmlReport {
  static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1",
      "#edc948", "#9c755f"};
  static final int WIDTH = 760;

  private HtmlReport() {}

  static String render(BenchResult r) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pygmy bench ")
        .append(esc(r.startedAt())).append("</title>\n<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;"
            + "max-width:900px;color:#222}h1,h2{font-weight:600}table{border-collapse:collapse}"
            + "td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}.met{color:#2a7d2a}"
            + ".missed{color:#c0392b;font-weight:600}pre{background:#f6f6f6;padding:1em;overflow-x:auto;"
            + "font-size:12px}svg{display:block;margin:1em 0}</style></head><body>\n");
    BenchResult.Machine m = r.machine();
    h.append("<h1>pygmy bench</h1><p>").append(esc(r.startedAt())).append(" to ").append(esc(r.finishedAt()))
        .append(" &middot; ").append(m.cores()).append(" cores &middot; ").append(esc(m.jdk()))
        .append(" &middot; commit ").append(esc(m.gitCommit())).append(" &middot; load at start ")
        .append(esc(m.loadAverageAtStart())).append("</p>\n");
    targets(h, r.targets());
    if (r.tiers() != null) {
      h.append("<h2>Per-tier latency (seed Tables 2 and 3)</h2>\n");
      h.append(tierBars("Mean latency per tier, sequential requests", r.tiers()));
    }
    if (r.invalidation() != null) {
      h.append("<h2>Cache invalidation (seed Table 4)</h2>\n");
      h.append(tierBars("Buys with invalidation on and off, mean", r.invalidation().buys()));
      h.append(tierBars("Reads right after an invalidation, mean", r.invalidation().readsAfterInvalidation()));
    }
    if (r.scale() != null && !r.scale().points().isEmpty()) {
      h.append("<h2>Scale (closed loop)</h2>\n");
      h.append(scaleLines("Throughput (answers/s) by clients", r.scale().points(), true));
      h.append(scaleLines("p99 latency (ms) by clients", r.scale().points(), false));
    }
    if (r.failover() != null) {
      h.append("<h2>Failover</h2>\n").append(timeline(r.failover()));
    }
    if (r.soak() != null) {
      h.append("<h2>Soak</h2>\n").append(SoakCharts.render(r.soak()));
    }
    h.append("<h2>All figures</h2>\n<pre>").append(esc(TextReport.render(r))).append("</pre>\n");
    h.append("<p>Every figure is also in <code>bench.json</code>")
        .append(r.soak() == null ? "" : "; the soak's rows in <code>soak.csv</code> and <code>soak.json</code>")
        .append(".</p></body></html>\n");
    return h.toString();
  }

  private static void targets(StringBuilder h, List<BenchResult.TargetCheck> targets) {
    if (targets == null || targets.isEmpty()) {
      return;
    }
    h.append("<h2>Targets</h2><table><tr><th>target</th><th>wanted</th><th>measured</th><th></th></tr>\n");
    for (BenchResult.TargetCheck t : targets) {
      String verdict = t.met() == null ? "not measured" : t.met() ? "met" : "missed";
      h.append("<tr><td>").append(esc(t.name())).append("</td><td>").append(esc(t.target() + " " + t.unit()))
          .append("</td><td>").append(t.measured() == null ? "-" : String.format(Locale.ROOT, "%.3f", t.measured()))
          .append("</td><td class=\"").append(t.met() == null ? "" : t.met() ? "met" : "missed").append("\">")
          .append(verdict).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  /** One group of horizontal bars per run, one bar per series (client, frontend, ...). */
  static String tierBars(String title, List<BenchResult.TierRun> runs) {
    List<String> series = new ArrayList<>();
    for (BenchResult.TierRun run : runs) {
      run.latency().keySet().stream().filter(k -> !series.contains(k)).forEach(series::add);
    }
    double max = runs.stream().flatMap(run -> run.latency().values().stream()).mapToDouble(LatencySummary::meanMs)
        .max().orElse(1);
    int barH = 12;
    int left = 230;
    int plotW = WIDTH - left - 80;
    int y = 40;
    StringBuilder s = new StringBuilder();
    for (BenchResult.TierRun run : runs) {
      String label = run.op() + (run.cache() == null ? "" : run.cache() ? ", cache on" : ", cache off")
          + (run.invalidation() == null ? "" : run.invalidation() ? ", inval. on" : ", inval. off");
      s.append(text(8, y + barH, label, "start", 12));
      for (int i = 0; i < series.size(); i++) {
        LatencySummary l = run.latency().get(series.get(i));
        if (l != null) {
          double w = Math.max(1, l.meanMs() / max * plotW);
          s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
              left, y, w, barH - 1, COLORS[i % COLORS.length]));
          s.append(text((int) (left + w + 4), y + barH - 2, TextReport.ms(l.meanMs()), "start", 10));
          y += barH;
        }
      }
      y += 10;
    }
    int height = y + 10;
    return svg(height, text(8, 18, title, "start", 14) + legend(series, left, 28) + s);
  }

  /** Throughput or p99 by client count, one line per workload; clients on an evenly spaced axis. */
  static String scaleLines(String title, List<BenchResult.ScalePoint> points, boolean throughput) {
    Map<String, Map<Integer, Double>> byWorkload = new LinkedHashMap<>();
    List<Integer> clients = new ArrayList<>();
    for (BenchResult.ScalePoint p : points) {
      Double v = throughput ? Double.valueOf(p.throughputPerSecond())
          : p.latency() == null ? null : Double.valueOf(p.latency().p99Ms());
      if (v != null) {
        byWorkload.computeIfAbsent(p.workload(), k -> new LinkedHashMap<>()).put(p.clients(), v);
      }
      if (!clients.contains(p.clients())) {
        clients.add(p.clients());
      }
    }
    clients.sort(Integer::compare);
    double max = byWorkload.values().stream().flatMap(mv -> mv.values().stream()).mapToDouble(Double::doubleValue)
        .max().orElse(1);
    int left = 70;
    int top = 40;
    int plotW = WIDTH - left - 30;
    int plotH = 200;
    StringBuilder s = new StringBuilder();
    s.append(axes(left, top, plotW, plotH, max));
    for (int i = 0; i < clients.size(); i++) {
      s.append(text(x(i, clients.size(), left, plotW), top + plotH + 16, clients.get(i).toString(), "middle", 11));
    }
    int c = 0;
    for (Map.Entry<String, Map<Integer, Double>> e : byWorkload.entrySet()) {
      StringBuilder path = new StringBuilder();
      for (int i = 0; i < clients.size(); i++) {
        Double v = e.getValue().get(clients.get(i));
        if (v != null) {
          int px = x(i, clients.size(), left, plotW);
          double py = top + plotH - v / max * plotH;
          path.append(path.length() == 0 ? "M" : "L").append(px).append(',')
              .append(String.format(Locale.ROOT, "%.1f", py));
          s.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", px, py,
              COLORS[c % COLORS.length]));
        }
      }
      s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke-width=\"2\" stroke=\"")
          .append(COLORS[c % COLORS.length]).append("\"/>");
      c++;
    }
    return svg(top + plotH + 30, text(8, 18, title, "start", 14)
        + legend(new ArrayList<>(byWorkload.keySet()), left, 28) + s);
  }

  /** Answers per 100 ms (ok stacked on errors) and each bucket's worst latency, with the kills marked. */
  static String timeline(BenchResult.Failover f) {
    List<BenchResult.Bucket> buckets = f.timeline();
    int left = 70;
    int top = 40;
    int plotW = WIDTH - left - 30;
    int plotH = 160;
    double maxCount = buckets.stream().mapToDouble(b -> b.ok() + b.errors()).max().orElse(1);
    double maxLatency = buckets.stream().mapToDouble(BenchResult.Bucket::maxMs).max().orElse(1);
    double bw = (double) plotW / Math.max(1, buckets.size());
    StringBuilder counts = new StringBuilder(axes(left, top, plotW, plotH, maxCount));
    StringBuilder latency = new StringBuilder(axes(left, top, plotW, plotH, maxLatency));
    for (int i = 0; i < buckets.size(); i++) {
      BenchResult.Bucket b = buckets.get(i);
      double x = left + i * bw;
      double okH = b.ok() / maxCount * plotH;
      double errH = b.errors() / maxCount * plotH;
      counts.append(rect(x, top + plotH - okH, bw, okH, COLORS[2]));
      counts.append(rect(x, top + plotH - okH - errH, bw, errH, COLORS[3]));
      double lh = b.maxMs() / maxLatency * plotH;
      latency.append(rect(x, top + plotH - lh, bw, lh, COLORS[0]));
    }
    long endMillis = buckets.isEmpty() ? 1 : buckets.get(buckets.size() - 1).atMillis() + 100;
    for (BenchResult.Kill k : f.kills()) {
      String mark = marker(left, top, plotW, plotH, k.killedAtMillis(), endMillis, "kill " + k.node())
          + marker(left, top, plotW, plotH, k.restartedAtMillis(), endMillis, "restart");
      counts.append(mark);
      latency.append(mark);
    }
    String axis = text(left, top + plotH + 16, "0 s", "start", 11)
        + text(left + plotW, top + plotH + 16, (endMillis / 1000) + " s", "end", 11);
    return svg(top + plotH + 30, text(8, 18, "Answers per 100 ms (green ok, red errors)", "start", 14) + counts + axis)
        + svg(top + plotH + 30, text(8, 18, "Worst latency per 100 ms (ms)", "start", 14) + latency + axis);
  }

  static String marker(int left, int top, int plotW, int plotH, long atMillis, long endMillis, String label) {
    double x = left + (double) atMillis / endMillis * plotW;
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\" "
        + "stroke-dasharray=\"4 3\"/>", x, top - 4, x, top + plotH) + text((int) x + 3, top + 8, label, "start", 10);
  }

  static String axes(int left, int top, int plotW, int plotH, double max) {
    return String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
            + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left, top, left, top + plotH, left,
        top + plotH, left + plotW, top + plotH)
        + text(left - 6, top + 10, String.format(Locale.ROOT, max >= 100 ? "%,.0f" : "%.2f", max), "end", 11)
        + text(left - 6, top + plotH, "0", "end", 11);
  }

  private static int x(int i, int n, int left, int plotW) {
    return n == 1 ? left + plotW / 2 : left + 20 + i * (plotW - 40) / (n - 1);
  }

  static String legend(List<String> series, int x, int y) {
    StringBuilder s = new StringBuilder();
    int cx = x;
    for (int i = 0; i < series.size(); i++) {
      s.append(rect(cx, y - 9, 10, 10, COLORS[i % COLORS.length])).append(text(cx + 14, y, series.get(i), "start", 11));
      cx += 24 + 7 * series.get(i).length();
    }
    return s.toString();
  }

  static String rect(double x, double y, double w, double h, String color) {
    if (h <= 0 || w <= 0) {
      return "";
    }
    return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
        x, y, w, h, color);
  }

  static String text(int x, int y, String s, String anchor, int size) {
    return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\" font-size=\"" + size + "\">"
        + esc(s) + "</text>";
  }

  static String svg(int height, String body) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\"" + height
        + "\" viewBox=\"0 0 " + WIDTH + " " + height + "\">" + body + "</svg>\n";
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
