package io.pygmy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.raft.ReplicaStatus;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class HealthTest {
  @Test
  void aReplicaWithoutALeaderIsNotReady() {
    Health.Readiness r = Health.replica(new ReplicaStatus("CANDIDATE", 5, null, 10, 10, false));
    assertThat(r.ready()).isFalse();
    assertThat(r.reason()).isEqualTo("no known leader");
    assertThat(r.toBody()).containsEntry("status", "not ready").containsEntry("leader", "null");
  }

  @Test
  void aReplicaFarBehindItsCommitIndexIsCatchingUp() {
    Health.Readiness r = Health.replica(new ReplicaStatus("FOLLOWER", 5, "order-1", 5000, 10, false));
    assertThat(r.ready()).isFalse();
    assertThat(r.reason()).startsWith("catching up: 4990");
  }

  @Property
  void aReplicaIsReadyExactlyWhenItKnowsALeaderAndTrailsLittle(
      @ForAll @LongRange(min = 0, max = 100_000) long applied, @ForAll @LongRange(min = 0, max = 5_000) long lag,
      @ForAll boolean leaderKnown) {
    ReplicaStatus s = new ReplicaStatus("FOLLOWER", 1, leaderKnown ? "order-2" : null, applied + lag, applied, false);
    assertThat(Health.replica(s).ready()).isEqualTo(leaderKnown && lag <= Health.MAX_APPLY_LAG);
  }

  @Test
  void anUnseededCatalogIsNotReady() {
    ReplicaStatus leader = new ReplicaStatus("LEADER", 2, "catalog-1", 3, 3, true);
    assertThat(Health.catalog(leader, false).ready()).isFalse();
    assertThat(Health.catalog(leader, false).reason()).contains("not seeded");
    assertThat(Health.catalog(leader, true).ready()).isTrue();
    assertThat(Health.catalog(leader, true).toBody()).containsEntry("status", "ready").containsEntry("seeded", true)
        .doesNotContainKey("reason");
  }

  @Test
  void aFrontendNeedsAReplicaAndALeaderOfEachTier() {
    assertThat(Health.frontend(3, 3, true, true).ready()).isTrue();
    assertThat(Health.frontend(0, 3, true, true).reason()).isEqualTo("no catalog replica answers");
    assertThat(Health.frontend(2, 0, true, true).reason()).isEqualTo("no order replica answers");
    assertThat(Health.frontend(2, 3, true, false).reason()).isEqualTo("no known order leader");
    assertThat(Health.frontend(2, 3, false, true).reason()).isEqualTo("no known catalog leader");
  }
}
