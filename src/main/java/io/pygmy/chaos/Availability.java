package io.pygmy.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** How long each service was unavailable, from the history alone. Pure. */
final class Availability {
  /** The longest stretch without one successful operation of a service. */
  record Window(String service, long fromNanos, long toNanos) {
    long millis() {
      return (toNanos - fromNanos) / 1_000_000;
    }
  }

  /** Time from a fault to the end of the first successful buy that was invoked after it. */
  record Recovery(History.Event fault, long millis) {}

  static final Map<String, Predicate<Op>> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("buy (frontend, order, catalog)", op -> op.kind() == Op.Kind.BUY);
    SERVICES.put("admin write (frontend, catalog)", op -> op.kind() == Op.Kind.RESTOCK || op.kind() == Op.Kind.SET_COST);
    SERVICES.put("read (frontend, catalog)", op -> op.kind() == Op.Kind.LOOKUP || op.kind() == Op.Kind.SEARCH);
  }

  private Availability() {}

  /** For each service, the longest gap between successes within [from, to]. */
  static List<Window> longestGaps(List<Op> ops, long from, long to) {
    List<Window> out = new ArrayList<>();
    for (var service : SERVICES.entrySet()) {
      long[] completions = ops.stream().filter(service.getValue()).filter(Op::ok).mapToLong(Op::completeNanos)
          .filter(t -> t >= from && t <= to).sorted().toArray();
      long prev = from;
      Window best = new Window(service.getKey(), from, from);
      for (long t : completions) {
        if (t - prev > best.toNanos() - best.fromNanos()) {
          best = new Window(service.getKey(), prev, t);
        }
        prev = t;
      }
      if (to - prev > best.toNanos() - best.fromNanos()) {
        best = new Window(service.getKey(), prev, to);
      }
      out.add(best);
    }
    return out;
  }

  /** For each fault that takes a node away, how long until a buy started after it succeeded (-1: never). */
  static List<Recovery> buyRecoveries(List<Op> ops, List<History.Event> events) {
    List<Recovery> out = new ArrayList<>();
    for (History.Event e : events) {
      if (!List.of("kill", "pause", "majority-loss", "partition").contains(e.action())) {
        continue;
      }
      long first = ops.stream().filter(op -> op.kind() == Op.Kind.BUY && op.ok() && op.invokeNanos() >= e.atNanos())
          .mapToLong(Op::completeNanos).min().orElse(-1);
      out.add(new Recovery(e, first < 0 ? -1 : (first - e.atNanos()) / 1_000_000));
    }
    return out;
  }
}
