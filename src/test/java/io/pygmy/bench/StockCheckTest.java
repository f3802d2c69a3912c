package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StockCheckTest {
  @Test
  void aSoldOutItemSoldExactlyItsStock() {
    assertThat(Experiments.drainConsistent(1000, 0, 1000, 0, true)).isTrue();
  }

  @Test
  void moreConfirmedBuysThanStockIsOversell() {
    assertThat(Experiments.drainConsistent(1000, 0, 1001, 0, true)).isFalse();
    assertThat(Experiments.drainConsistent(1000, -1, 1001, 0, true)).isFalse();
  }

  @Test
  void copiesTakenWithoutAConfirmedOrUnansweredBuyAreLost() {
    assertThat(Experiments.drainConsistent(1000, 0, 998, 0, true)).isFalse();
    assertThat(Experiments.drainConsistent(1000, 0, 998, 2, true)).as("two unanswered buys went through").isTrue();
  }

  @Test
  void soldOutWithStockLeftIsInconsistent() {
    assertThat(Experiments.drainConsistent(1000, 5, 995, 0, true)).isFalse();
  }

  @Test
  void anItemThatDidNotSellOutInTimeIsCheckedForConservationOnly() {
    assertThat(Experiments.drainConsistent(1000, 794, 206, 0, false)).isTrue();
    assertThat(Experiments.drainConsistent(1000, 794, 205, 0, false)).isFalse();
  }
}
