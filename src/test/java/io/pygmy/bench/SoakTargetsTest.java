package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakTargetsTest {
  private static Map<String, BenchResult.TargetCheck> byName(SoakResult s) {
    Map<String, BenchResult.TargetCheck> m = new LinkedHashMap<>();
    Targets.soak(s).forEach(t -> m.put(t.name(), t));
    return m;
  }

  @Test
  void aSteadySoakMeetsEveryMeasuredTarget() {
    Map<String, BenchResult.TargetCheck> t = byName(SoakFixtures.typical());
    assertThat(t.get("soak: failed buys").met()).isTrue();
    // 1390 of 1500 buys/s: the partial last interval (10 buys/s over 4 s) does not count.
    assertThat(t.get("soak: buys/s of the last full interval vs the first").measured()).isEqualTo(92.7);
    assertThat(t.get("soak: buys/s of the last full interval vs the first").met()).isTrue();
    assertThat(t.get("soak: cluster RSS idle").measured()).isEqualTo(700.0);
    assertThat(t.get("soak: cluster RSS after the soak").met()).isTrue();
    assertThat(t.get("soak: follower catch-up (worst)").measured()).isEqualTo(4.2);
    assertThat(t.get("soak: apply stall (max)").met()).as("not reported by the nodes").isNull();
  }

  @Test
  void failuresASlowdownAndASlowCatchUpAreMissed() {
    SoakResult s = SoakFixtures.soak(List.of(1500.0, 1400.0, 1200.0), 3, 35.0, 25.0);
    Map<String, BenchResult.TargetCheck> t = byName(s);
    assertThat(t.get("soak: failed buys").measured()).isEqualTo(3.0);
    assertThat(t.get("soak: failed buys").met()).isFalse();
    assertThat(t.get("soak: buys/s of the last full interval vs the first").measured()).isEqualTo(80.0);
    assertThat(t.get("soak: buys/s of the last full interval vs the first").met()).isFalse();
    assertThat(t.get("soak: follower catch-up (worst)").measured()).isEqualTo(25.0);
    assertThat(t.get("soak: follower catch-up (worst)").met()).isFalse();
    assertThat(t.get("soak: apply stall (max)").measured()).isEqualTo(35.0);
    assertThat(t.get("soak: apply stall (max)").met()).isFalse();
  }

  @Test
  void memoryOverTheLimitsIsMissed() {
    SoakResult ok = SoakFixtures.typical();
    SoakResult big = new SoakResult(ok.options(), false, ok.seconds(), ok.confirmed(), 0, 0, Map.of(), List.of(),
        new SoakResult.Memory(0, 1025 * SoakFixtures.MIB, List.of()),
        new SoakResult.Memory(70, 1229 * SoakFixtures.MIB, List.of()), ok.rows(), ok.catchUps(), List.of());
    Map<String, BenchResult.TargetCheck> t = byName(big);
    assertThat(t.get("soak: cluster RSS idle").met()).isFalse();
    assertThat(t.get("soak: cluster RSS after the soak").met()).isFalse();
  }

  @Test
  void aFollowerThatNeverCaughtUpMissesAndAStoppedSoakMeasuresNone() {
    SoakResult never = SoakFixtures.soak(List.of(1500.0, 1500.0), 0, null, null);
    assertThat(Targets.worstCatchUp(never)).isEqualTo(1e9);
    SoakResult stopped = new SoakResult(never.options(), true, 10, 10, 0, 0, Map.of(), List.of(), null, null,
        never.rows(), List.of(new SoakResult.CatchUp("catalog", "catalog-1", false, 5, 6, -1, null, null, "stopped")),
        List.of());
    assertThat(Targets.worstCatchUp(stopped)).isNull();
    Map<String, BenchResult.TargetCheck> t = byName(stopped);
    assertThat(t.get("soak: cluster RSS idle").met()).isNull();
    assertThat(t.get("soak: follower catch-up (worst)").met()).isNull();
  }

  @Test
  void withoutAWholeIntervalTheRateIsNotJudged() {
    SoakResult s = SoakFixtures.soak(List.of(), 0, null, 1.0);
    assertThat(s.rows()).hasSize(1);
    assertThat(Targets.rateKept(s)).isNull();
  }
}
