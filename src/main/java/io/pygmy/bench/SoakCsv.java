package io.pygmy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The soak's rows as CSV ({@code soak.csv}): one line per interval, per-node columns, for a spreadsheet. */
final class SoakCsv {
  private SoakCsv() {}

  static String render(SoakResult s) {
    List<String> nodes = SoakText.nodeNames(s);
    List<String> header = new ArrayList<>(List.of("index", "end_s", "seconds", "confirmed", "confirmed_total",
        "buys_per_s", "p50_ms", "p99_ms", "max_ms", "out_of_stock", "failed", "failures", "total_rss_bytes",
        "total_disk_bytes", "apply_stall_max_ms", "snapshot_max_ms"));
    for (String n : nodes) {
      header.addAll(List.of(n + "_role", n + "_rss_bytes", n + "_disk_bytes"));
    }
    header.add("events");
    StringBuilder out = new StringBuilder(line(header));
    for (SoakResult.Row r : s.rows()) {
      List<Object> cells = new ArrayList<>(List.of(r.index(), r.endSeconds(), r.seconds(), r.confirmed(),
          r.confirmedTotal(), r.buysPerSecond()));
      cells.addAll(java.util.Arrays.asList(r.p50Ms(), r.p99Ms(), r.maxMs(), r.outOfStock(), r.failed(),
          failures(r.failures()), r.totalRssBytes(), r.totalDiskBytes(), r.applyStallMaxMillis(),
          r.snapshotMaxMillis()));
      for (String n : nodes) {
        SoakResult.NodeSample x = r.nodes().stream().filter(ns -> ns.name().equals(n)).findFirst().orElse(null);
        cells.addAll(java.util.Arrays.asList(x == null ? null : x.role(), x == null ? null : x.rssBytes(),
            x == null ? null : x.diskBytes()));
      }
      cells.add(String.join("; ", r.events()));
      out.append(line(cells));
    }
    return out.toString();
  }

  private static String failures(Map<String, Long> f) {
    List<String> parts = new ArrayList<>();
    f.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join("; ", parts);
  }

  private static String line(List<?> cells) {
    List<String> out = new ArrayList<>();
    for (Object c : cells) {
      out.add(cell(c));
    }
    return String.join(",", out) + "\n";
  }

  /** Empty for unknown; quoted (quotes doubled) when it holds a comma, a quote or a line break. */
  static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
