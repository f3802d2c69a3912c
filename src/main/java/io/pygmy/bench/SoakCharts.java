package io.pygmy.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The soak's charts in {@code report.html}, drawn like the other charts (inline SVG through
 * {@link HtmlReport}'s helpers): buys/s, p50 and p99, and RSS and disk per node over time, with the
 * followers' kill and restart marked.
 */
final class SoakCharts {
  private static final int LEFT = 70;
  private static final int TOP = 40;
  private static final int PLOT_H = 200;
  private static final double MIB = 1048576.0;

  private SoakCharts() {}

  static String render(SoakResult s) {
    List<SoakResult.Row> rows = s.rows();
    if (rows.isEmpty()) {
      return "<p>No interval was completed.</p>\n";
    }
    StringBuilder h = new StringBuilder();
    h.append(chart("Confirmed buys/s per interval", series(rows, Map.of("buys/s", r -> r.buysPerSecond())), s));
    Map<String, Function<SoakResult.Row, Double>> latency = new LinkedHashMap<>();
    latency.put("p50", SoakResult.Row::p50Ms);
    latency.put("p99", SoakResult.Row::p99Ms);
    h.append(chart("Buy latency per interval (ms)", series(rows, latency), s));
    h.append(chart("Resident memory per node (MiB)", perNode(s, SoakResult.NodeSample::rssBytes), s));
    h.append(chart("Data directory per node (MiB)", perNode(s, SoakResult.NodeSample::diskBytes), s));
    return h.toString();
  }

  /** One line per figure of the rows: (end of interval in s, value), rows without the figure skipped. */
  static Map<String, List<double[]>> series(List<SoakResult.Row> rows,
                                            Map<String, Function<SoakResult.Row, Double>> figures) {
    Map<String, List<double[]>> out = new LinkedHashMap<>();
    figures.forEach((name, f) -> {
      List<double[]> points = new ArrayList<>();
      for (SoakResult.Row r : rows) {
        Double v = f.apply(r);
        if (v != null) {
          points.add(new double[] {r.endSeconds(), v});
        }
      }
      out.put(name, points);
    });
    return out;
  }

  /** One line per node, in MiB. */
  static Map<String, List<double[]>> perNode(SoakResult s, Function<SoakResult.NodeSample, Long> bytes) {
    Map<String, List<double[]>> out = new LinkedHashMap<>();
    for (String name : SoakText.nodeNames(s)) {
      List<double[]> points = new ArrayList<>();
      for (SoakResult.Row r : s.rows()) {
        r.nodes().stream().filter(n -> n.name().equals(name)).findFirst().map(bytes)
            .ifPresent(b -> points.add(new double[] {r.endSeconds(), b / MIB}));
      }
      out.put(name, points);
    }
    return out;
  }

  /** A line chart over the soak's time axis (0 to its last row), one colour per line. */
  static String chart(String title, Map<String, List<double[]>> lines, SoakResult s) {
    int plotW = HtmlReport.WIDTH - LEFT - 30;
    double endSeconds = Math.max(1e-3, s.rows().get(s.rows().size() - 1).endSeconds());
    double max = lines.values().stream().flatMap(List::stream).mapToDouble(p -> p[1]).max().orElse(0);
    max = max > 0 ? max * 1.05 : 1;
    StringBuilder b = new StringBuilder(HtmlReport.axes(LEFT, TOP, plotW, PLOT_H, max));
    int c = 0;
    for (List<double[]> points : lines.values()) {
      String color = HtmlReport.COLORS[c++ % HtmlReport.COLORS.length];
      StringBuilder path = new StringBuilder();
      for (double[] p : points) {
        double px = LEFT + p[0] / endSeconds * plotW;
        double py = TOP + PLOT_H - p[1] / max * PLOT_H;
        path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", px, py));
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", px, py,
            color));
      }
      if (!points.isEmpty()) {
        b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(color)
            .append("\"/>");
      }
    }
    if (!s.catchUps().isEmpty()) {
      // The followers are killed together and restarted together: one mark each, naming them all.
      long endMillis = Math.round(endSeconds * 1000);
      double killed = s.catchUps().stream().mapToDouble(SoakResult.CatchUp::killedAtSeconds).min().orElseThrow();
      double restarted = s.catchUps().stream().mapToDouble(SoakResult.CatchUp::restartedAtSeconds).min()
          .orElseThrow();
      String names = String.join(", ", s.catchUps().stream().map(SoakResult.CatchUp::node).toList());
      if (killed <= endSeconds) {
        b.append(HtmlReport.marker(LEFT, TOP, plotW, PLOT_H, Math.round(killed * 1000), endMillis, "kill " + names));
      }
      if (restarted <= endSeconds) {
        b.append(HtmlReport.marker(LEFT, TOP + 12, plotW, PLOT_H - 12, Math.round(restarted * 1000), endMillis,
            "restart"));
      }
    }
    b.append(HtmlReport.text(LEFT, TOP + PLOT_H + 16, "0 s", "start", 11))
        .append(HtmlReport.text(LEFT + plotW, TOP + PLOT_H + 16, String.format(Locale.ROOT, "%.0f s", endSeconds),
            "end", 11));
    return HtmlReport.svg(TOP + PLOT_H + 30, HtmlReport.text(8, 18, title, "start", 14)
        + HtmlReport.legend(new ArrayList<>(lines.keySet()), LEFT, 28) + b);
  }
}
