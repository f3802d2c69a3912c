package io.pygmy.chaos;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The human-readable report of a run. Pure: a function of the {@link ChaosRun.Report}. */
final class ReportText {
  private ReportText() {}

  static String render(ChaosRun.Report r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%n== pygmy chaos: seed %d ==%n", r.seed()));
    b.append(String.format(Locale.ROOT, "faults injected: %d kills (%d of a leader), %d pauses, %d majority losses, "
        + "%d partitions; %d restarts%n", r.count("kill"), r.leaderKills(), r.count("pause"), r.count("majority-loss"),
        r.count("partition"), r.count("restart")));
    for (History.Event e : r.events()) {
      if (!e.action().equals("recovered")) {
        b.append(String.format(Locale.ROOT, "  %8.3f s  %-14s %-12s %s%n", e.atNanos() / 1e9, e.action(), e.node(),
            e.detail()));
      }
    }
    r.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
    b.append("operations by outcome:\n");
    Map<Op.Kind, Map<Op.Outcome, Integer>> tally = new EnumMap<>(Op.Kind.class);
    for (Op op : r.history()) {
      tally.computeIfAbsent(op.kind(), k -> new EnumMap<>(Op.Outcome.class)).merge(op.outcome(), 1, Integer::sum);
    }
    tally.forEach((kind, byOutcome) -> b.append(String.format(Locale.ROOT, "  %-9s %s%n", kind, byOutcome)));
    b.append(String.format(Locale.ROOT, "unknown writes resolved by key: %d took effect, %d did not%n",
        r.unknowns().applied(), r.unknowns().notApplied()));
    b.append("longest unavailability window per service:\n");
    for (Availability.Window w : r.windows()) {
      b.append(String.format(Locale.ROOT, "  %-32s %6d ms  (%.3f s .. %.3f s)%n", w.service(), w.millis(),
          w.fromNanos() / 1e9, w.toNanos() / 1e9));
    }
    List<Long> rec = r.recoveries().stream().map(Availability.Recovery::millis).sorted().toList();
    if (!rec.isEmpty()) {
      long never = rec.stream().filter(m -> m < 0).count();
      List<Long> known = rec.stream().filter(m -> m >= 0).toList();
      b.append(String.format(Locale.ROOT, "buys after a fault: first success after median %d ms, max %d ms, "
          + "%d of %d faults over 2 s, %d never%n", known.isEmpty() ? -1 : known.get(known.size() / 2),
          known.isEmpty() ? -1 : known.get(known.size() - 1), known.stream().filter(m -> m > 2000).count(), rec.size(),
          never));
    }
    Linearizability.Result lin = r.linearizability();
    b.append(String.format(Locale.ROOT, "linearizability: %d books, %d operations checked, %d inconclusive%n",
        lin.books(), lin.operations(), lin.inconclusive().size()));
    lin.inconclusive().forEach(i -> b.append("  inconclusive: ").append(i).append('\n'));
    Map<String, Integer> byCheck = new TreeMap<>();
    r.violations().forEach(v -> byCheck.merge(v.check(), 1, Integer::sum));
    b.append(String.format(Locale.ROOT, "violations: %d %s%n", r.violations().size(), byCheck.isEmpty() ? "" : byCheck));
    for (Violation v : r.violations()) {
      b.append("  ").append(v.describe()).append('\n');
    }
    b.append("history: ").append(r.directory().resolve("history.jsonl")).append('\n');
    b.append(r.ok() ? "OK: no violation\n" : "FAILED: " + r.violations().size() + " violation(s)\n");
    return b.toString();
  }
}
