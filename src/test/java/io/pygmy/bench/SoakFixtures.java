package io.pygmy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A made-up soak: six 10 s intervals on a three-node cluster, followers restarted half-way. */
final class SoakFixtures {
  static final long MIB = 1 << 20;

  private SoakFixtures() {}

  static SoakResult.NodeSample node(String name, long rssMib, long diskMib, Double stall) {
    return new SoakResult.NodeSample(name, name.substring(0, name.indexOf('-')), "FOLLOWER", rssMib * MIB,
        diskMib * MIB, stall, stall == null ? null : 120.0);
  }

  static SoakResult.Row row(int index, double end, double seconds, double rate, long failed, Double stall) {
    List<SoakResult.NodeSample> nodes = List.of(node("catalog-1", 200 + index, 10L * index, stall),
        node("order-1", 180 + index, 8L * index, stall), node("frontend-1", 90, 0, null));
    long confirmed = Math.round(rate * seconds);
    return new SoakResult.Row(index, end, seconds, confirmed, confirmed * index, rate, 20.0 + index, 60.0 + index,
        90.0, 0, failed, failed == 0 ? Map.of() : Map.of("503 capacity_exhausted", failed),
        SoakSeries.total(nodes, SoakResult.NodeSample::rssBytes), SoakSeries.total(nodes,
        SoakResult.NodeSample::diskBytes), stall, stall == null ? null : 120.0, nodes,
        index == 3 ? List.of("killed catalog-1, order-1 at 25.0 s") : List.of());
  }

  /** {@code rates} per full interval, then a 4 s partial one; {@code stall} in every node's details or null. */
  static SoakResult soak(List<Double> rates, long failed, Double stall, Double catchUpSeconds) {
    List<SoakResult.Row> rows = new ArrayList<>();
    for (int i = 0; i < rates.size(); i++) {
      rows.add(row(i + 1, 10.0 * (i + 1), 10, rates.get(i), i == 1 ? failed : 0, stall));
    }
    rows.add(row(rates.size() + 1, 10.0 * rates.size() + 4, 4, 10, 0, stall));
    SoakResult.Memory idle = new SoakResult.Memory(0, 700 * MIB, rows.get(0).nodes());
    SoakResult.Memory after = new SoakResult.Memory(70, 900 * MIB, rows.get(rows.size() - 1).nodes());
    List<SoakResult.CatchUp> catchUps = List.of(
        new SoakResult.CatchUp("catalog", "catalog-1", false, 25, 35, 12_345, 1.5, catchUpSeconds,
            "applied index 12345"),
        new SoakResult.CatchUp("order", "order-1", false, 25, 35.1, 6_789, 1.4, 2.5, "applied index 6789"));
    return new SoakResult(new SoakResult.Options(100_000, 64, 10, 50_000, 10, false, 5, 120, List.of(1, 2, 3)),
        false, 64, 100_000, 0, failed, failed == 0 ? Map.of() : Map.of("503 capacity_exhausted", failed),
        failed == 0 ? List.of() : List.of("at 12.0 s: 503 capacity_exhausted: {\"error\":{}}"), idle, after, rows,
        catchUps, List.of());
  }

  static SoakResult typical() {
    return soak(List.of(1500.0, 1450.0, 1400.0, 1420.0, 1380.0, 1390.0), 0, null, 4.2);
  }
}
