package io.pygmy.chaos;

import static io.pygmy.chaos.Histories.buy;
import static io.pygmy.chaos.Histories.read;
import static io.pygmy.chaos.Histories.restock;
import static io.pygmy.chaos.Histories.store;
import static io.pygmy.chaos.Histories.unknownBuy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {
  @Test
  void aSequentialHistoryThatAddsUpIsLinearizable() {
    List<Op> h = List.of(read(1, 1, 10, 100, 0, 1), buy(2, 1, 3, 2, 3, "CONFIRMED", 1), read(3, 1, 7, 100, 4, 5),
        restock(4, 1, 5, 6, 7, 12), buy(5, 1, 20, 8, 9, "REJECTED", 2), read(6, 1, 12, 100, 10, 11));
    Linearizability.Result r = Linearizability.check(h, store(10, 12, h).build());
    assertThat(r.violations()).isEmpty();
    assertThat(r.inconclusive()).isEmpty();
  }

  @Test
  void aReadThatGoesBackInTimeIsNot() {
    List<Op> h = List.of(buy(1, 1, 3, 0, 10, "CONFIRMED", 1), read(2, 1, 7, 100, 11, 12), read(3, 1, 10, 100, 13, 14));
    assertThat(Linearizability.check(h, store(10, 7, h).build()).violations()).singleElement()
        .satisfies(v -> {
          assertThat(v.check()).isEqualTo(Checks.LINEARIZABLE);
          assertThat(v.message()).contains("#3");
          assertThat(v.slice()).extracting(Op::id).contains(3L);
        });
  }

  @Test
  void concurrentReadsMayOrderThemselvesEitherWay() {
    // Two buys overlap; a reader during them saw both (7), another only the first (9): buy 1, read 4,
    // buy 2, read 3 explains both, although read 3 started first.
    List<Op> h = List.of(buy(1, 1, 1, 0, 20, "CONFIRMED", 1), buy(2, 1, 2, 0, 20, "CONFIRMED", 2),
        read(3, 1, 7, 100, 1, 19), read(4, 1, 9, 100, 2, 18), read(5, 1, 7, 100, 21, 22));
    assertThat(Linearizability.check(h, store(10, 7, h).build()).violations()).isEmpty();
  }

  @Test
  void twoReadsInSequenceMustSeeOneOrderOfTheWrites() {
    // 8 means buy 2 went first, 9 means buy 1 went first: seeing 8 then 9 in sequence is impossible.
    List<Op> h = List.of(buy(1, 1, 1, 0, 20, "CONFIRMED", 1), buy(2, 1, 2, 0, 20, "CONFIRMED", 2),
        read(3, 1, 8, 100, 1, 5), read(4, 1, 9, 100, 6, 10));
    assertThat(Linearizability.check(h, store(10, 7, h).build()).violations()).hasSize(1);
  }

  @Test
  void aBuyRejectedWhileStockSufficedIsNot() {
    List<Op> h = List.of(buy(1, 1, 3, 0, 1, "REJECTED", 1), read(2, 1, 10, 100, 2, 3));
    assertThat(Linearizability.check(h, store(10, 10, h).build()).violations()).hasSize(1);
  }

  @Test
  void aRestockMustAnswerTheStockItLeft() {
    List<Op> h = List.of(restock(1, 1, 5, 0, 1, 16));
    assertThat(Linearizability.check(h, store(10, 15, h).build()).violations()).isNotEmpty();
  }

  @Test
  void anUnknownBuyThatTookEffectMayLandAnyTimeAfterItStarted() {
    Op lost = unknownBuy(1, 1, 2, 0);
    List<Op> h = List.of(lost, read(2, 1, 10, 100, 5, 6), read(3, 1, 8, 100, 50, 51));
    assertThat(Linearizability.check(h, store(10, 8, h, lost).build()).violations()).isEmpty();
  }

  @Test
  void theFinalStockMustFollowFromTheHistory() {
    List<Op> h = List.of(buy(1, 1, 3, 0, 1, "CONFIRMED", 1));
    assertThat(Linearizability.check(h, store(10, 6, h).build()).violations()).singleElement()
        .satisfies(v -> assertThat(v.message()).contains("the end (final stock 6)"));
  }

  @Test
  void manyConcurrentClientsOfARealCounterAreLinearizable() {
    // A simulated atomic counter with overlapping operations: the checker must accept it.
    Random rng = new Random(42);
    long stock = 50;
    List<Op> h = new ArrayList<>();
    long id = 0;
    for (int t = 0; t < 2000; t += 5) {
      long inv = t;
      long at = t + 1 + rng.nextInt(3);
      long ret = at + rng.nextInt(8);
      int dice = rng.nextInt(3);
      id++;
      if (dice == 0) {
        int q = 1 + rng.nextInt(3);
        boolean ok = stock >= q;
        stock -= ok ? q : 0;
        h.add(buy(id, 1, q, inv, ret, ok ? "CONFIRMED" : "REJECTED", id));
      } else if (dice == 1 && rng.nextInt(4) == 0) {
        stock += 4;
        h.add(restock(id, 1, 4, inv, ret, stock));
      } else {
        h.add(read(id, 1, stock, 100, inv, ret));
      }
    }
    Linearizability.Result r = Linearizability.check(h, store(50, stock, h).build());
    assertThat(r.violations()).isEmpty();
    assertThat(r.inconclusive()).isEmpty();
    assertThat(r.operations()).isEqualTo(h.size() + 1);
  }
}
