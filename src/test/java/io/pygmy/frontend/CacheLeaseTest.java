package io.pygmy.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the frontend may trust its cache: all times are passed in, in nanoseconds. */
class CacheLeaseTest {
  static final long LEASE = 100;

  CacheLease lease = new CacheLease(Set.of("c1", "c2"), LEASE);

  @Test
  void aLeaseNeedsReplicasAndAPositiveDuration() {
    assertThatThrownBy(() -> new CacheLease(Set.of(), LEASE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CacheLease(Set.of("c1"), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CacheLease(Set.of("c1"), -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isInvalidBeforeAnyAck() {
    assertThat(lease.valid(0)).isFalse();
    assertThat(lease.remainingNanos(0)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void isInvalidUntilEveryReplicaHasAcked() {
    lease.renew("c1", 0, 1);
    assertThat(lease.valid(2)).isFalse();
    lease.renew("c2", 0, 3);
    assertThat(lease.valid(4)).isTrue();
  }

  @Test
  void repeatedAcksFromOneReplicaDoNotMakeItValid() {
    for (int t = 0; t < 5; t++) {
      lease.renew("c1", t, t);
    }
    assertThat(lease.valid(5)).isFalse();
  }

  @Test
  void validityIsCountedFromTheSendTimeNotTheAckTime() {
    lease.renew("c1", 0, 90);
    lease.renew("c2", 0, 90);
    assertThat(lease.valid(99)).isTrue();
    assertThat(lease.valid(100)).isFalse();
    assertThat(lease.remainingNanos(90)).isEqualTo(10);
  }

  @Test
  void theOldestAckAmongTheReplicasBoundsValidity() {
    lease.renew("c1", 0, 1);
    lease.renew("c2", 50, 51);
    assertThat(lease.valid(99)).isTrue();
    assertThat(lease.valid(100)).isFalse();

    lease.renew("c1", 60, 61);
    assertThat(lease.valid(149)).isTrue();
    assertThat(lease.valid(150)).isFalse();
  }

  @Test
  void aLateAckOfAnOlderHeartbeatDoesNotShortenTheLease() {
    lease.renew("c1", 50, 51);
    lease.renew("c2", 50, 51);
    lease.renew("c1", 10, 60); // reordered reply to an earlier heartbeat
    assertThat(lease.valid(149)).isTrue();
  }

  @Test
  void renewReportsALapseWhenTheLeaseWasNeverValid() {
    assertThat(lease.renew("c1", 0, 0)).isTrue();
    assertThat(lease.renew("c2", 0, 0)).isTrue();
  }

  @Test
  void renewReportsNoLapseWhileValid() {
    lease.renew("c1", 0, 0);
    lease.renew("c2", 0, 0);
    assertThat(lease.renew("c1", 50, 50)).isFalse();
  }

  @Test
  void renewReportsALapseAfterTheLeaseRanOut() {
    lease.renew("c1", 0, 0);
    lease.renew("c2", 0, 0);
    assertThat(lease.renew("c1", 150, 150)).isTrue();
  }

  @Test
  void aLapseIsReportedAtTheExactExpiryInstant() {
    lease.renew("c1", 0, 0);
    lease.renew("c2", 0, 0);
    assertThat(lease.renew("c1", 100, 100)).isTrue();
  }

  @Test
  void anUnknownReplicaIsRefused() {
    assertThatThrownBy(() -> lease.renew("c9", 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("c9");
  }

  @Test
  void aSingleReplicaLeaseIsValidAfterItsAck() {
    CacheLease one = new CacheLease(Set.of("c1"), LEASE);
    one.renew("c1", 5, 6);
    assertThat(one.valid(104)).isTrue();
    assertThat(one.valid(105)).isFalse();
  }

  @Test
  void remainingIsNegativeOnceLapsed() {
    lease.renew("c1", 0, 0);
    lease.renew("c2", 0, 0);
    assertThat(lease.remainingNanos(130)).isEqualTo(-30);
  }

  @Test
  void comparisonsSurviveTheNanoClockWrappingAround() {
    long nearMax = Long.MAX_VALUE - 10;
    lease.renew("c1", nearMax, nearMax);
    lease.renew("c2", nearMax, nearMax);
    assertThat(lease.valid(Long.MAX_VALUE)).isTrue();
    assertThat(lease.valid(nearMax + 99)).isTrue(); // wraps past Long.MAX_VALUE
    assertThat(lease.valid(nearMax + LEASE)).isFalse();
  }
}
