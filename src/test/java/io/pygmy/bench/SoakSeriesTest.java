package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SoakSeriesTest {
  private static Histogram latencies(long... millis) {
    Histogram h = new Histogram(Load.HISTOGRAM_MAX_NANOS, 3);
    for (long m : millis) {
      h.recordValue(m * 1_000_000);
    }
    return h;
  }

  @Test
  void eachIntervalCountsWhatHappenedSinceThePreviousOne() {
    SoakSeries s = new SoakSeries();
    SoakResult.Row first = s.add(10, new SoakLoad.Counts(1000, 2, 1, Map.of("503 capacity_exhausted", 1L)),
        latencies(10, 20, 30), List.of(), List.of());
    SoakResult.Row second = s.add(20, new SoakLoad.Counts(2500, 2, 4,
        Map.of("503 capacity_exhausted", 3L, "no answer", 1L)), latencies(5), List.of(), List.of("killed x"));

    assertThat(first.index()).isEqualTo(1);
    assertThat(first.confirmed()).isEqualTo(1000);
    assertThat(first.buysPerSecond()).isEqualTo(100.0);
    assertThat(first.outOfStock()).isEqualTo(2);
    assertThat(first.failed()).isEqualTo(1);
    assertThat(second.index()).isEqualTo(2);
    assertThat(second.seconds()).isEqualTo(10.0);
    assertThat(second.confirmed()).isEqualTo(1500);
    assertThat(second.confirmedTotal()).isEqualTo(2500);
    assertThat(second.buysPerSecond()).isEqualTo(150.0);
    assertThat(second.outOfStock()).isZero();
    assertThat(second.failed()).isEqualTo(3);
    assertThat(second.failures()).containsExactly(Map.entry("503 capacity_exhausted", 2L), Map.entry("no answer", 1L));
    assertThat(second.events()).containsExactly("killed x");
    assertThat(s.rows()).hasSize(2);
    assertThat(s.lastEndSeconds()).isEqualTo(20.0);
  }

  @Test
  void percentilesComeFromTheIntervalsOwnLatencies() {
    long[] ms = new long[100];
    for (int i = 0; i < 100; i++) {
      ms[i] = i + 1; // 1..100 ms
    }
    SoakResult.Row r = SoakSeries.row(1, 0, 10, SoakLoad.Counts.ZERO, new SoakLoad.Counts(100, 0, 0, Map.of()),
        latencies(ms), List.of(), List.of());
    assertThat(r.p50Ms()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(0.1));
    assertThat(r.p99Ms()).isCloseTo(99.0, org.assertj.core.data.Offset.offset(0.1));
    assertThat(r.maxMs()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void anIntervalWithoutAnsweredBuysHasNoLatency() {
    SoakResult.Row r = SoakSeries.row(1, 0, 10, SoakLoad.Counts.ZERO, new SoakLoad.Counts(0, 0, 7, Map.of()),
        latencies(), List.of(), List.of());
    assertThat(r.p50Ms()).isNull();
    assertThat(r.p99Ms()).isNull();
    assertThat(r.buysPerSecond()).isZero();
    assertThat(r.failed()).isEqualTo(7);
  }

  @Test
  void clusterTotalsAddWhatTheNodesReportedAndStayUnknownWhenNoneDid() {
    SoakResult.NodeSample up = new SoakResult.NodeSample("catalog-1", "catalog", "LEADER", 300L, 10L, 4.0, null);
    SoakResult.NodeSample down = new SoakResult.NodeSample("catalog-2", "catalog", "down", null, 12L, null, null);
    SoakResult.NodeSample other = new SoakResult.NodeSample("order-1", "order", "FOLLOWER", 200L, 8L, 9.5, 30.0);
    SoakResult.Row r = SoakSeries.row(1, 0, 1, SoakLoad.Counts.ZERO, SoakLoad.Counts.ZERO, null,
        List.of(up, down, other), List.of());
    assertThat(r.totalRssBytes()).isEqualTo(500L);
    assertThat(r.totalDiskBytes()).isEqualTo(30L);
    assertThat(r.applyStallMaxMillis()).isEqualTo(9.5);
    assertThat(r.snapshotMaxMillis()).isEqualTo(30.0);
    SoakResult.Row none = SoakSeries.row(1, 0, 1, SoakLoad.Counts.ZERO, SoakLoad.Counts.ZERO, null, List.of(down),
        List.of());
    assertThat(none.totalRssBytes()).isNull();
    assertThat(none.applyStallMaxMillis()).isNull();
  }

  @Test
  void theRestockCoversEachItemsShareWithRoomForTheClientsTurns() {
    assertThat(SoakExperiment.copiesNeeded(2_000_000, 7, 64)).isGreaterThanOrEqualTo(2_000_064 / 7 + 64)
        .isLessThan(300_000);
    assertThat(SoakExperiment.copiesNeeded(1, 1, 1)).isGreaterThanOrEqualTo(2);
  }
}
