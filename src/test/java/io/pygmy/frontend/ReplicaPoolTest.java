package io.pygmy.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The leader first, then round-robin over the replicas believed alive, with the dead ones as a last resort. */
class ReplicaPoolTest {
  static final NodeAddress C1 = new NodeAddress("catalog-1", Service.CATALOG, "127.0.0.1", 9101, 9201);
  static final NodeAddress C2 = new NodeAddress("catalog-2", Service.CATALOG, "127.0.0.1", 9102, 9202);
  static final NodeAddress C3 = new NodeAddress("catalog-3", Service.CATALOG, "127.0.0.1", 9103, 9203);

  static boolean[] up(boolean... up) {
    return up;
  }

  @Nested
  class Order {
    @Test
    void allAliveRotatesByOnePerCall() {
      boolean[] all = up(true, true, true);
      assertThat(ReplicaPool.order(all, 0)).containsExactly(0, 1, 2);
      assertThat(ReplicaPool.order(all, 1)).containsExactly(1, 2, 0);
      assertThat(ReplicaPool.order(all, 2)).containsExactly(2, 0, 1);
      assertThat(ReplicaPool.order(all, 3)).containsExactly(0, 1, 2);
    }

    @Test
    void deadReplicasComeLastInIndexOrder() {
      boolean[] middleDown = up(true, false, true);
      assertThat(ReplicaPool.order(middleDown, 0)).containsExactly(0, 2, 1);
      assertThat(ReplicaPool.order(middleDown, 1)).containsExactly(2, 0, 1);
      assertThat(ReplicaPool.order(middleDown, 2)).containsExactly(0, 2, 1);
    }

    @Test
    void severalDeadReplicasKeepTheirIndexOrder() {
      assertThat(ReplicaPool.order(up(false, true, false, false), 7)).containsExactly(1, 0, 2, 3);
    }

    @Test
    void allDeadStillTriesEveryReplicaInIndexOrder() {
      assertThat(ReplicaPool.order(up(false, false, false), 5)).containsExactly(0, 1, 2);
    }

    @Test
    void aSingleReplicaIsAlwaysFirst() {
      assertThat(ReplicaPool.order(up(true), 42)).containsExactly(0);
      assertThat(ReplicaPool.order(up(false), 42)).containsExactly(0);
    }

    @Test
    void aNegativeCounterAfterOverflowStillRotates() {
      boolean[] all = up(true, true, true);
      assertThat(ReplicaPool.order(all, -1)).containsExactly(2, 0, 1);
      assertThat(ReplicaPool.order(all, Integer.MIN_VALUE)).containsExactly(1, 2, 0); // floorMod(MIN, 3) == 1
      assertThat(ReplicaPool.order(all, Integer.MAX_VALUE)).containsExactly(1, 2, 0); // MAX % 3 == 1
    }

    @Test
    void overEveryAliveSetAndManyCountersTheResultIsAPermutationWithTheAliveFirst() {
      for (int n = 1; n <= 5; n++) {
        for (int mask = 0; mask < (1 << n); mask++) {
          boolean[] alive = new boolean[n];
          int aliveCount = 0;
          for (int i = 0; i < n; i++) {
            alive[i] = (mask & (1 << i)) != 0;
            aliveCount += alive[i] ? 1 : 0;
          }
          Set<Integer> firsts = new HashSet<>();
          for (int counter = -7; counter <= 13; counter++) {
            int[] order = ReplicaPool.order(alive, counter);
            String what = "n=" + n + " mask=" + mask + " counter=" + counter;
            assertThat(order).as(what).hasSize(n);
            assertThat(new HashSet<>(boxed(order))).as(what).hasSize(n);
            for (int j = 0; j < n; j++) {
              assertThat(alive[order[j]]).as(what + " position " + j).isEqualTo(j < aliveCount);
            }
            for (int j = aliveCount + 1; j < n; j++) {
              assertThat(order[j]).as(what + " dead in index order").isGreaterThan(order[j - 1]);
            }
            for (int j = 1; j < aliveCount; j++) {
              // Alive ones appear in cyclic index order from the first.
              int prev = indexAmongAlive(alive, order[j - 1]);
              int cur = indexAmongAlive(alive, order[j]);
              assertThat(cur).as(what + " cyclic").isEqualTo((prev + 1) % aliveCount);
            }
            firsts.add(order[0]);
          }
          // Over enough consecutive counters, every alive replica leads some call.
          assertThat(firsts).as("n=%d mask=%d", n, mask).hasSize(Math.max(aliveCount, 1));
        }
      }
    }

    private static List<Integer> boxed(int[] a) {
      List<Integer> out = new ArrayList<>();
      for (int x : a) {
        out.add(x);
      }
      return out;
    }

    private static int indexAmongAlive(boolean[] alive, int index) {
      int k = 0;
      for (int i = 0; i < index; i++) {
        k += alive[i] ? 1 : 0;
      }
      return k;
    }
  }

  @Nested
  class Pool {
    ReplicaPool pool = new ReplicaPool(List.of(C1, C2, C3));

    @Test
    void aPoolNeedsReplicas() {
      assertThatThrownBy(() -> new ReplicaPool(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyReplicaStartsUp() {
      assertThat(pool.isUp("catalog-1")).isTrue();
      assertThat(pool.isUp("catalog-2")).isTrue();
      assertThat(pool.isUp("catalog-3")).isTrue();
      assertThat(pool.replicas()).containsExactly(C1, C2, C3);
    }

    @Test
    void successiveCallsStartAtSuccessiveReplicas() {
      assertThat(pool.tryOrder()).containsExactly(C1, C2, C3);
      assertThat(pool.tryOrder()).containsExactly(C2, C3, C1);
      assertThat(pool.tryOrder()).containsExactly(C3, C1, C2);
      assertThat(pool.tryOrder()).containsExactly(C1, C2, C3);
    }

    @Test
    void aReplicaMarkedDownIsTriedLast() {
      pool.markDown("catalog-1");
      assertThat(pool.isUp("catalog-1")).isFalse();
      assertThat(pool.tryOrder()).containsExactly(C2, C3, C1);
      assertThat(pool.tryOrder()).containsExactly(C3, C2, C1);
    }

    @Test
    void aReplicaMarkedUpAgainRejoinsTheRotation() {
      pool.markDown("catalog-2");
      pool.markUp("catalog-2");
      assertThat(pool.isUp("catalog-2")).isTrue();
      List<NodeAddress> firsts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        firsts.add(pool.tryOrder().get(0));
      }
      assertThat(firsts).containsExactlyInAnyOrder(C1, C2, C3);
    }

    @Test
    void withEveryReplicaDownAllAreStillTried() {
      pool.markDown("catalog-1");
      pool.markDown("catalog-2");
      pool.markDown("catalog-3");
      assertThat(pool.tryOrder()).containsExactly(C1, C2, C3);
    }

    @Test
    void anUnknownNameChangesNothingAndIsNotUp() {
      pool.markDown("order-1");
      assertThat(pool.isUp("order-1")).isFalse();
      assertThat(pool.tryOrder()).containsExactly(C1, C2, C3);
    }

    @Test
    void thePoolCopiesItsReplicaList() {
      List<NodeAddress> list = new ArrayList<>(List.of(C1, C2));
      ReplicaPool p = new ReplicaPool(list);
      list.add(C3);
      assertThat(p.replicas()).containsExactly(C1, C2);
    }
  }

  @Nested
  class LeaderFirst {
    @Test
    void anAliveLeaderMovesToTheFrontAndTheOthersKeepTheirOrder() {
      assertThat(ReplicaPool.leaderFirst(new int[] {0, 1, 2}, 2, up(true, true, true))).containsExactly(2, 0, 1);
      assertThat(ReplicaPool.leaderFirst(new int[] {1, 2, 0}, 0, up(true, true, true))).containsExactly(0, 1, 2);
      assertThat(ReplicaPool.leaderFirst(new int[] {1, 2, 0}, 1, up(true, true, true))).containsExactly(1, 2, 0);
    }

    @Test
    void aDeadOrUnknownLeaderChangesNothing() {
      assertThat(ReplicaPool.leaderFirst(new int[] {0, 2, 1}, 1, up(true, false, true))).containsExactly(0, 2, 1);
      assertThat(ReplicaPool.leaderFirst(new int[] {2, 0, 1}, -1, up(true, true, true))).containsExactly(2, 0, 1);
    }

    @Test
    void overEveryAliveSetTheResultIsAPermutationLedByTheLeaderWhenAlive() {
      for (int mask = 0; mask < 8; mask++) {
        boolean[] alive = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
        for (int leader = -1; leader < 3; leader++) {
          for (int counter = 0; counter < 4; counter++) {
            int[] order = ReplicaPool.leaderFirst(ReplicaPool.order(alive, counter), leader, alive);
            String what = "mask=" + mask + " leader=" + leader + " counter=" + counter;
            assertThat(new HashSet<>(List.of(order[0], order[1], order[2]))).as(what).hasSize(3);
            if (leader >= 0 && alive[leader]) {
              assertThat(order[0]).as(what).isEqualTo(leader);
            }
            int aliveCount = (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1);
            for (int j = 0; j < 3; j++) {
              assertThat(alive[order[j]]).as(what + " alive before dead").isEqualTo(j < aliveCount);
            }
          }
        }
      }
    }

    @Test
    void thePoolSendsEveryCallToTheLeaderFirstAndRotatesTheRest() {
      ReplicaPool pool = new ReplicaPool(List.of(C1, C2, C3));
      pool.heardLeader("catalog-2", 4);
      assertThat(pool.leaderName()).isEqualTo("catalog-2");
      Set<NodeAddress> seconds = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        List<NodeAddress> order = pool.tryOrder();
        assertThat(order.get(0)).isEqualTo(C2);
        seconds.add(order.get(1));
      }
      assertThat(seconds).containsExactlyInAnyOrder(C1, C3);
    }

    @Test
    void aLeaderMarkedDownIsSkippedUntilItIsUpAgain() {
      ReplicaPool pool = new ReplicaPool(List.of(C1, C2, C3));
      pool.heardLeader("catalog-1", 2);
      pool.markDown("catalog-1");
      assertThat(pool.tryOrder().get(0)).isNotEqualTo(C1);
      assertThat(pool.tryOrder()).endsWith(C1);
      pool.markUp("catalog-1");
      assertThat(pool.tryOrder().get(0)).isEqualTo(C1);
    }

    @Test
    void aNewerTermWinsAndAnOlderTermIsIgnored() {
      ReplicaPool pool = new ReplicaPool(List.of(C1, C2, C3));
      pool.heardLeader("catalog-1", 5);
      pool.heardLeader("catalog-3", 4); // a stale report from a replica that missed the election
      assertThat(pool.leaderName()).isEqualTo("catalog-1");
      pool.heardLeader("catalog-3", 6);
      assertThat(pool.leaderName()).isEqualTo("catalog-3");
    }

    @Test
    void noLeaderOrAnUnknownNameIsIgnored() {
      ReplicaPool pool = new ReplicaPool(List.of(C1, C2, C3));
      pool.heardLeader(null, 3);
      pool.heardLeader("order-1", 3);
      assertThat(pool.leaderName()).isNull();
      assertThat(pool.tryOrder()).containsExactly(C1, C2, C3);
    }
  }
}
