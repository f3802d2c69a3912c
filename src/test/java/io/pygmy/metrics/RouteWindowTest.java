package io.pygmy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RouteWindowTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1000 * SECOND);
  private final RouteWindow window = new RouteWindow(now::get);

  @Test
  void reportsRateAndPercentilesOverTheWindow() {
    for (int i = 0; i < 99; i++) {
      window.record("GET /api/books", 1_000_000, false); // 1 ms
    }
    window.record("GET /api/books", 200_000_000, true); // 200 ms, an error
    List<RouteWindow.RouteStats> stats = window.snapshot();
    assertThat(stats).hasSize(1);
    RouteWindow.RouteStats s = stats.get(0);
    assertThat(s.requests()).isEqualTo(100);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(s.requestsPerSecond()).isEqualTo(100.0 / RouteWindow.WINDOW_SECONDS);
    assertThat(s.latencyMillisP50()).isBetween(1.0, 1.0 * RouteWindow.RATIO);
    assertThat(s.latencyMillisP99()).isBetween(1.0, 1.0 * RouteWindow.RATIO);
  }

  @Test
  void theSlowestPercentGovernsP99() {
    for (int i = 0; i < 90; i++) {
      window.record("POST /api/orders", 2_000_000, false);
    }
    for (int i = 0; i < 10; i++) {
      window.record("POST /api/orders", 80_000_000, false);
    }
    RouteWindow.RouteStats s = window.snapshot().get(0);
    assertThat(s.latencyMillisP50()).isBetween(2.0, 2.0 * RouteWindow.RATIO);
    assertThat(s.latencyMillisP99()).isBetween(80.0, 80.0 * RouteWindow.RATIO);
  }

  @Test
  void oldSecondsLeaveTheWindow() {
    window.record("GET /a", 1_000_000, false);
    now.addAndGet(5 * SECOND);
    window.record("GET /a", 1_000_000, false);
    assertThat(window.snapshot().get(0).requests()).isEqualTo(2);
    now.addAndGet(6 * SECOND); // the first second is now 11 s old
    assertThat(window.snapshot().get(0).requests()).isEqualTo(1);
    now.addAndGet(RouteWindow.WINDOW_SECONDS * SECOND);
    assertThat(window.snapshot()).isEmpty();
  }

  @Test
  void aReusedSlotForgetsItsOldSecond() {
    window.record("GET /a", 1_000_000, false);
    now.addAndGet(RouteWindow.WINDOW_SECONDS * SECOND); // same slot, ten seconds later
    window.record("GET /a", 1_000_000, false);
    assertThat(window.snapshot().get(0).requests()).isEqualTo(1);
  }

  @Test
  void routesAreBoundedAndBusiestComeFirst() {
    for (int r = 0; r < RouteWindow.MAX_ROUTES + 10; r++) {
      for (int i = 0; i <= r; i++) {
        window.record("GET /r" + r, 1_000_000, false);
      }
    }
    List<RouteWindow.RouteStats> stats = window.snapshot();
    assertThat(stats).hasSize(RouteWindow.MAX_ROUTES + 1);
    assertThat(stats).extracting(RouteWindow.RouteStats::route).contains(RouteWindow.OTHER_ROUTE);
    assertThat(stats).isSortedAccordingTo((a, b) -> Long.compare(b.requests(), a.requests()));
  }

  @Property
  void aLatencyLiesWithinItsBucket(@ForAll @LongRange(min = 50_000, max = 600_000_000_000L) long nanos) {
    int b = RouteWindow.bucketOf(nanos);
    double millis = nanos / 1e6;
    assertThat(RouteWindow.upperMillis(b)).isGreaterThanOrEqualTo(millis * 0.999999);
    if (b > 0) {
      assertThat(RouteWindow.upperMillis(b - 1)).isLessThanOrEqualTo(millis * 1.000001);
    }
  }

  @Property
  void extremeLatenciesStayInRange(@ForAll long nanos) {
    assertThat(RouteWindow.bucketOf(Math.max(0, nanos))).isBetween(0, RouteWindow.BUCKETS - 1);
  }

  @Test
  void quantileOfNothingIsNone() {
    assertThat(RouteWindow.quantileBucket(new long[RouteWindow.BUCKETS], 0.5)).isEqualTo(-1);
    assertThat(RouteWindow.upperMillis(0)).isCloseTo(0.05 * RouteWindow.RATIO, within(1e-9));
  }
}
