package io.pygmy.chaos;

import static io.pygmy.chaos.Histories.MS;
import static io.pygmy.chaos.Histories.buy;
import static io.pygmy.chaos.Histories.read;
import static io.pygmy.chaos.Histories.unknownBuy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AvailabilityTest {
  @Test
  void theLongestWindowIsTheLongestGapBetweenSuccesses() {
    List<Op> h = List.of(buy(1, 1, 1, 0, 100, "CONFIRMED", 1), unknownBuy(2, 1, 1, 150),
        buy(3, 1, 1, 200, 2600, "CONFIRMED", 2), buy(4, 1, 1, 2700, 2800, "REJECTED", 3), read(5, 1, 1, 1, 0, 10));
    List<Availability.Window> w = Availability.longestGaps(h, 0, 3000 * MS);
    assertThat(w.get(0).millis()).isEqualTo(2500);
    assertThat(w.get(0).fromNanos()).isEqualTo(100 * MS);
    assertThat(w.get(2).millis()).as("reads: from the only one to the end").isEqualTo(2990);
  }

  @Test
  void recoveryIsMeasuredToTheFirstBuyStartedAfterTheFault() {
    List<Op> h = List.of(buy(1, 1, 1, 0, 1500, "CONFIRMED", 1), buy(2, 1, 1, 1100, 1900, "CONFIRMED", 2),
        buy(3, 1, 1, 1200, 1300, "CONFIRMED", 3));
    List<History.Event> faults = List.of(new History.Event(1000 * MS, "kill", "order-1", "LEADER"),
        new History.Event(1000 * MS, "restart", "order-1", ""), new History.Event(5000 * MS, "pause", "x", ""));
    assertThat(Availability.buyRecoveries(h, faults)).extracting(Availability.Recovery::millis).containsExactly(300L, -1L);
  }
}
