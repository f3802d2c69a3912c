package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {
  private static final long MS = 1_000_000;

  @Test
  void nearestRankPercentilesOfOneToHundredMillis() {
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[i] = (100 - i) * MS; // unsorted on purpose
    }
    LatencySummary s = LatencySummary.ofNanos(nanos, 100);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.meanMs()).isCloseTo(50.5, within(1e-9));
    assertThat(s.p50Ms()).isEqualTo(50.0);
    assertThat(s.p90Ms()).isEqualTo(90.0);
    assertThat(s.p99Ms()).isEqualTo(99.0);
    assertThat(s.maxMs()).isEqualTo(100.0);
    assertThat(nanos[0]).as("the caller's array is not sorted in place").isEqualTo(100 * MS);
  }

  @Test
  void smallSeriesRoundRanksUp() {
    // Ranks: p50 of 3 is rank 2, p90 and p99 are rank 3.
    LatencySummary s = LatencySummary.ofNanos(new long[] {3 * MS, 1 * MS, 2 * MS}, 3);
    assertThat(s.p50Ms()).isEqualTo(2.0);
    assertThat(s.p90Ms()).isEqualTo(3.0);
    assertThat(s.p99Ms()).isEqualTo(3.0);
    LatencySummary one = LatencySummary.ofNanos(new long[] {250_000}, 1);
    assertThat(one.p50Ms()).isEqualTo(0.25);
    assertThat(one.maxMs()).isEqualTo(0.25);
  }

  @Test
  void onlyTheFirstNSamplesCount() {
    LatencySummary s = LatencySummary.ofNanos(new long[] {MS, 2 * MS, 999 * MS, 0}, 2);
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.maxMs()).isEqualTo(2.0);
  }

  @Test
  void noSamplesIsNoSummary() {
    assertThat(LatencySummary.ofNanos(new long[8], 0)).isNull();
    assertThat(LatencySummary.ofHistogram(new Histogram(3))).isNull();
    assertThatThrownBy(() -> LatencySummary.ofNanos(new long[2], 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencySummary(1, 1, 2, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void histogramSummaryAgreesWithExactOneWithinItsPrecision() {
    Histogram h = new Histogram(Load.HISTOGRAM_MAX_NANOS, 3);
    long[] nanos = new long[1000];
    for (int i = 0; i < 1000; i++) {
      nanos[i] = (i + 1) * 10_000L;
      h.recordValue(nanos[i]);
    }
    LatencySummary exact = LatencySummary.ofNanos(nanos, nanos.length);
    LatencySummary hist = LatencySummary.ofHistogram(h);
    assertThat(hist.count()).isEqualTo(1000);
    assertThat(hist.p50Ms()).isCloseTo(exact.p50Ms(), within(exact.p50Ms() * 0.002));
    assertThat(hist.p99Ms()).isCloseTo(exact.p99Ms(), within(exact.p99Ms() * 0.002));
    assertThat(hist.maxMs()).isCloseTo(exact.maxMs(), within(exact.maxMs() * 0.002));
  }

  @Property
  void percentilesAreOrderedObservedValues(@ForAll @Size(min = 1, max = 300) long[] raw,
                                           @ForAll @LongRange(min = 1, max = 1_000) long scale) {
    long[] nanos = Arrays.stream(raw).map(v -> Math.floorMod(v, 10_000_000L) * scale).toArray();
    LatencySummary s = LatencySummary.ofNanos(nanos, nanos.length);
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    assertThat(s.count()).isEqualTo(nanos.length);
    assertThat(s.maxMs()).isEqualTo(sorted[sorted.length - 1] / 1e6);
    for (double p : new double[] {s.p50Ms(), s.p90Ms(), s.p99Ms()}) {
      assertThat(Arrays.stream(sorted).anyMatch(v -> v / 1e6 == p)).as("%s is an observed value", p).isTrue();
    }
    // At least p% of the samples are at or below the p-th percentile, and fewer than p% strictly below it.
    long atOrBelow = Arrays.stream(sorted).filter(v -> v / 1e6 <= s.p90Ms()).count();
    long below = Arrays.stream(sorted).filter(v -> v / 1e6 < s.p90Ms()).count();
    assertThat(atOrBelow).isGreaterThanOrEqualTo((long) Math.ceil(0.9 * nanos.length));
    assertThat(below).isLessThan((long) Math.ceil(0.9 * nanos.length));
    assertThat(s.meanMs()).isBetween(sorted[0] / 1e6 - 1e-9, sorted[sorted.length - 1] / 1e6 + 1e-9);
  }
}
