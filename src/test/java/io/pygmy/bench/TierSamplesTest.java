package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TierSamplesTest {
  @Test
  void eachTierOfTheServerTimingHeaderIsASeries() {
    TierSamples s = new TierSamples();
    s.record(2_000_000, "frontend;dur=1.500, order;dur=1.200, catalog;dur=0.600");
    s.record(4_000_000, "frontend;dur=3.500, order;dur=3.000, catalog;dur=1.000");
    Map<String, LatencySummary> m = s.summaries();
    assertThat(m.keySet()).containsExactly("client", "frontend", "order", "catalog");
    assertThat(m.get("client").meanMs()).isEqualTo(3.0);
    assertThat(m.get("frontend").p50Ms()).isEqualTo(1.5);
    assertThat(m.get("frontend").maxMs()).isEqualTo(3.5);
    assertThat(m.get("catalog").meanMs()).isEqualTo(0.8);
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.cacheHits()).isZero();
  }

  @Test
  void aTierThatDidNotTakePartCountsOnlyTheRequestsItServed() {
    TierSamples s = new TierSamples();
    s.record(100_000, "frontend;dur=0.050, cache;desc=hit");
    s.record(900_000, "frontend;dur=0.700, catalog;dur=0.400");
    s.record(120_000, "frontend;dur=0.060,cache;desc=hit");
    Map<String, LatencySummary> m = s.summaries();
    assertThat(m.get("client").count()).isEqualTo(3);
    assertThat(m.get("catalog").count()).isEqualTo(1);
    assertThat(m).doesNotContainKey("cache");
    assertThat(s.cacheHits()).isEqualTo(2);
  }

  @Test
  void aMissingOrMalformedHeaderStillCountsTheClientLatency() {
    TierSamples s = new TierSamples();
    s.record(1_000_000, null);
    s.record(1_000_000, "frontend;dur=abc, ;dur=1, catalog;dur=-3, order");
    assertThat(s.summaries().keySet()).containsExactly("client");
    assertThat(TierSamples.isCacheHit(null)).isFalse();
    assertThat(TierSamples.isCacheHit("frontend;dur=1, cachehit;desc=hit")).isFalse();
    assertThat(TierSamples.isCacheHit("frontend;dur=1, cache; desc=hit")).isTrue();
  }

  @Test
  void durationsAreReadAsMillisecondsAtMicrosecondPrecision() {
    TierSamples s = new TierSamples();
    s.record(1, "frontend;dur=0.001");
    assertThat(s.summaries().get("frontend").p50Ms()).isEqualTo(0.001);
  }
}
