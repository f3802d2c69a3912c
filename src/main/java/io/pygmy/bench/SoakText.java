package io.pygmy.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The soak's part of the terminal summary: one line per interval, then memory, catch-up and failures. */
final class SoakText {
  private SoakText() {}

  static String render(SoakResult s) {
    StringBuilder out = new StringBuilder();
    SoakResult.Options o = s.options();
    out.append(String.format(Locale.ROOT, "Soak: %,d confirmed orders of %,d wanted in %.0f s from %d clients, "
            + "%,d out of stock, %,d failed%s%n", s.confirmed(), o.orders(), s.seconds(), o.clients(), s.outOfStock(),
        s.failed(), s.interrupted() ? " (interrupted: partial)" : ""));
    out.append("per interval: buys/s confirmed, latency of answered buys in ms, memory and disk in MiB; per node "
        + "RSS/disk MiB\n");
    List<String> nodes = nodeNames(s);
    List<String> header = new ArrayList<>(List.of("#", "end s", "s", "buys/s", "p50", "p99", "failed", "RSS",
        "disk"));
    header.addAll(nodes);
    header.add("events");
    TextReport.Table t = new TextReport.Table(header.toArray(String[]::new));
    for (SoakResult.Row r : s.rows()) {
      List<Object> cells = new ArrayList<>(List.of(r.index(), num(r.endSeconds()), num(r.seconds()),
          String.format(Locale.ROOT, "%,.0f", r.buysPerSecond()), TextReport.ms(r.p50Ms()), TextReport.ms(r.p99Ms()),
          r.failed(), mib(r.totalRssBytes()), mib(r.totalDiskBytes())));
      for (String n : nodes) {
        cells.add(r.nodes().stream().filter(x -> x.name().equals(n)).findFirst()
            .map(x -> mib(x.rssBytes()) + "/" + mib(x.diskBytes())).orElse("-"));
      }
      cells.add(r.events().isEmpty() ? "" : String.join("; ", r.events()));
      t.row(cells.toArray());
    }
    out.append(t.render());
    stalls(out, s.rows());
    memory(out, "idle, before the load", s.idle());
    memory(out, "after the load", s.after());
    if (!s.catchUps().isEmpty()) {
      out.append("Catch-up of restarted followers (from the restart until the leader's commit index at the "
          + "restart was applied; answering: until its JVM first answered /status)\n");
      TextReport.Table c = new TextReport.Table("service", "node", "wiped", "killed at s", "restarted at s",
          "goal index", "answering s", "caught up s", "");
      for (SoakResult.CatchUp u : s.catchUps()) {
        c.row(u.service(), u.node(), u.wiped() ? "yes" : "no", num(u.killedAtSeconds()), num(u.restartedAtSeconds()),
            u.goalIndex(), u.answeredSeconds() == null ? "-" : num(u.answeredSeconds()),
            u.caughtUpSeconds() == null ? "-" : num(u.caughtUpSeconds()), u.detail());
      }
      out.append(c.render());
    }
    if (s.failed() > 0) {
      out.append("Failed buys by cause: ").append(causes(s.failuresByCause())).append("\nFirst failures:\n");
      s.firstFailures().forEach(f -> out.append("  ").append(f).append('\n'));
    }
    s.notes().forEach(n -> out.append("note: ").append(n).append('\n'));
    return out.append('\n').toString();
  }

  private static void stalls(StringBuilder out, List<SoakResult.Row> rows) {
    Double stall = null;
    Double snapshot = null;
    for (SoakResult.Row r : rows) {
      stall = NodeProbe.max(stall, r.applyStallMaxMillis());
      snapshot = NodeProbe.max(snapshot, r.snapshotMaxMillis());
    }
    out.append("longest apply stall: ").append(stall == null ? "not reported by the nodes" : TextReport.ms(stall)
        + " ms").append("; longest snapshot: ").append(snapshot == null ? "not reported by the nodes"
        : TextReport.ms(snapshot) + " ms").append('\n');
  }

  private static void memory(StringBuilder out, String label, SoakResult.Memory m) {
    if (m == null) {
      return;
    }
    out.append("cluster RSS ").append(label).append(": ").append(mib(m.totalRssBytes())).append(" MiB (");
    List<String> parts = new ArrayList<>();
    for (SoakResult.NodeSample n : m.nodes()) {
      parts.add(n.name() + " " + mib(n.rssBytes()));
    }
    out.append(String.join(", ", parts)).append(")\n");
  }

  /** Node names in the order they first appear (the cluster's config order). */
  static List<String> nodeNames(SoakResult s) {
    Set<String> names = new LinkedHashSet<>();
    if (s.idle() != null) {
      s.idle().nodes().forEach(n -> names.add(n.name()));
    }
    s.rows().forEach(r -> r.nodes().forEach(n -> names.add(n.name())));
    return new ArrayList<>(names);
  }

  /** Bytes as whole MiB, or "-" when unknown. */
  static String mib(Long bytes) {
    return bytes == null ? "-" : Long.toString(Math.round(bytes / 1048576.0));
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Failures by cause as one short cell: {@code 503 capacity_exhausted x12, no answer x1}. */
  static String causes(Map<String, Long> causes) {
    List<String> parts = new ArrayList<>();
    causes.forEach((k, v) -> parts.add(k + " x" + v));
    return String.join(", ", parts);
  }
}
