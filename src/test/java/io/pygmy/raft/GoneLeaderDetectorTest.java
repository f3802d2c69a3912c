package io.pygmy.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.raft.GoneLeaderDetector.Probe;
import io.pygmy.raft.GoneLeaderDetector.View;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class GoneLeaderDetectorTest {
  private static final View FOLLOWING_C1 = new View(true, "catalog-1", 7);

  private final GoneLeaderDetector detector = new GoneLeaderDetector("catalog-2");

  @Test
  void twoRefusalsInARowStartAnElectionForTheFirstRankedFollower() {
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isFalse();
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isTrue();
  }

  @Test
  void aFollowerRankedAfterAnotherNeverStartsOne() {
    for (int i = 0; i < 50; i++) {
      assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 1)).isFalse();
    }
  }

  @Test
  void aFollowerWhoseRankBecomesFirstStartsOne() {
    // The other follower stopped answering (or the logs changed): this one is first now.
    detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 1);
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isTrue();
  }

  /** Each rank costs the shell a call to every other follower: asked only when it decides something. */
  @Test
  void theRankIsAskedOnlyWhenItDecides() {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.IntSupplier rank = () -> {
      asked.incrementAndGet();
      return 0;
    };
    detector.observe(FOLLOWING_C1, Probe.ACCEPTED, rank);
    detector.observe(FOLLOWING_C1, Probe.REFUSED, rank);
    assertThat(asked).as("one refusal decides nothing").hasValue(0);
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, rank)).isTrue();
    assertThat(asked).hasValue(1);
    detector.observe(FOLLOWING_C1, Probe.REFUSED, rank);
    detector.observe(FOLLOWING_C1, Probe.REFUSED, rank);
    assertThat(asked).as("not again once the election was asked").hasValue(1);
  }

  @Test
  void anAcceptedOrUnknownProbeStartsTheCountAgain() {
    for (Probe interrupting : List.of(Probe.ACCEPTED, Probe.UNKNOWN)) {
      GoneLeaderDetector d = new GoneLeaderDetector("catalog-2");
      d.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0);
      assertThat(d.observe(FOLLOWING_C1, interrupting, () -> 0)).isFalse();
      assertThat(d.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).as("after %s", interrupting).isFalse();
      assertThat(d.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isTrue();
    }
  }

  @Test
  void aPausedOrPartitionedLeaderIsNeverTreatedAsGone() {
    for (int i = 0; i < 100; i++) {
      assertThat(detector.observe(FOLLOWING_C1, i % 2 == 0 ? Probe.UNKNOWN : Probe.ACCEPTED, () -> 0)).isFalse();
    }
  }

  @Test
  void atMostOneElectionPerLeaderAndTerm() {
    detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0);
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isTrue();
    for (int i = 2; i < 50; i++) {
      assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isFalse();
    }
  }

  @Test
  void aNewLeaderOrTermStartsAFreshWatch() {
    detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0);
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isTrue();
    View newTerm = new View(true, "catalog-1", 8);
    assertThat(detector.observe(newTerm, Probe.REFUSED, () -> 0)).isFalse();
    assertThat(detector.observe(newTerm, Probe.REFUSED, () -> 0)).isTrue();
    View newLeader = new View(true, "catalog-3", 8);
    // The first refusal of the new leader does not count the old leader's refusals.
    assertThat(detector.observe(newLeader, Probe.REFUSED, () -> 0)).isFalse();
  }

  @Test
  void aLeaderACandidateOrAFollowerWithoutLeaderNeverProbes() {
    for (View v : List.of(new View(false, "catalog-2", 7), new View(false, null, 7), new View(true, null, 7),
        new View(true, "catalog-2", 7))) {
      assertThat(detector.shouldProbe(v)).as("%s", v).isFalse();
      assertThat(detector.observe(v, Probe.REFUSED, () -> 0)).isFalse();
      assertThat(detector.observe(v, Probe.REFUSED, () -> 0)).isFalse();
    }
    assertThat(detector.shouldProbe(FOLLOWING_C1)).isTrue();
  }

  @Test
  void leavingAndRejoiningTheLeaderForgetsEarlierRefusals() {
    detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0);
    detector.observe(new View(false, null, 7), Probe.UNKNOWN, () -> 0);
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isFalse();
    assertThat(detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> 0)).isTrue();
  }

  @Test
  void theFollowerWithTheLongestLogGoesFirst() {
    LogPosition at40 = new LogPosition(3, 40);
    LogPosition at42 = new LogPosition(3, 42);
    assertThat(GoneLeaderDetector.rank("catalog-1", at40, Map.of("catalog-2", at42))).isOne();
    assertThat(GoneLeaderDetector.rank("catalog-2", at42, Map.of("catalog-1", at40))).isZero();
    // A later term is longer whatever the index.
    assertThat(GoneLeaderDetector.rank("catalog-2", new LogPosition(2, 99), Map.of("catalog-1", at40))).isOne();
  }

  @Test
  void equalLogsGoByIdAndASilentPeerIsNotWaitedFor() {
    LogPosition same = new LogPosition(3, 40);
    assertThat(GoneLeaderDetector.rank("catalog-1", same, Map.of("catalog-3", same))).isZero();
    assertThat(GoneLeaderDetector.rank("catalog-3", same, Map.of("catalog-1", same))).isOne();
    Map<String, LogPosition> silent = new HashMap<>();
    silent.put("catalog-1", null);
    assertThat(GoneLeaderDetector.rank("catalog-3", same, silent)).isZero();
  }

  /** Every follower computes the same order: exactly one is first, whatever the logs and ids. */
  @Property
  void followersAgreeOnWhoGoesFirst(@ForAll("positions") List<LogPosition> logs) {
    Map<String, LogPosition> all = new HashMap<>();
    for (int i = 0; i < logs.size(); i++) {
      all.put("order-" + i, logs.get(i));
    }
    List<Integer> ranks = all.keySet().stream().map(self -> {
      Map<String, LogPosition> others = new HashMap<>(all);
      others.remove(self);
      return GoneLeaderDetector.rank(self, all.get(self), others);
    }).sorted().toList();
    assertThat(ranks).isEqualTo(java.util.stream.IntStream.range(0, logs.size()).boxed().toList());
  }

  @Provide
  Arbitrary<List<LogPosition>> positions() {
    return net.jqwik.api.Combinators.combine(Arbitraries.longs().between(1, 3), Arbitraries.longs().between(0, 3))
        .as(LogPosition::new).list().ofMinSize(1).ofMaxSize(5);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new GoneLeaderDetector(null)).isInstanceOf(IllegalArgumentException.class);
    detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> -1);
    assertThatThrownBy(() -> detector.observe(FOLLOWING_C1, Probe.REFUSED, () -> -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<List<Probe>> probes() {
    return Arbitraries.of(Probe.values()).list().ofMaxSize(60);
  }

  /**
   * Over any sequence of probes: an election is asked at most once per leader and term, only by the
   * first-ranked follower, and exactly when two refusals came in a row.
   */
  @Property
  void electionsFollowOnlyFromConsecutiveRefusals(@ForAll("probes") List<Probe> probes,
                                                  @ForAll("ranks") int rank) {
    GoneLeaderDetector d = new GoneLeaderDetector("order-2");
    View view = new View(true, "order-1", 3);
    int elections = 0;
    int run = 0;
    boolean longRun = false;
    for (Probe p : probes) {
      run = p == Probe.REFUSED ? run + 1 : 0;
      longRun |= run >= GoneLeaderDetector.REFUSALS_NEEDED;
      if (d.observe(view, p, () -> rank)) {
        elections++;
        assertThat(run).isGreaterThanOrEqualTo(GoneLeaderDetector.REFUSALS_NEEDED);
      }
    }
    assertThat(elections).isLessThanOrEqualTo(1);
    assertThat(elections == 1).as("an election exactly when refusals lasted long enough, by the first")
        .isEqualTo(longRun && rank == 0);
  }

  @Provide
  Arbitrary<Integer> ranks() {
    return Arbitraries.integers().between(0, 2);
  }
}
