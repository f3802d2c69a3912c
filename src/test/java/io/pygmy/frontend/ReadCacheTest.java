package io.pygmy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The frontend read cache, driven by a fake clock and explicit lease renewals. */
class ReadCacheTest {
  static final long LEASE_MILLIS = 100;
  static final Set<String> REPLICAS = Set.of("c1", "c2");

  FakeClock clock;
  ReadCache cache;

  @BeforeEach
  void setUp() {
    clock = new FakeClock();
    cache = new ReadCache(100, true, REPLICAS, LEASE_MILLIS, clock);
  }

  /** Every replica acks a heartbeat sent now. */
  void renewAll() {
    long now = clock.getAsLong();
    for (String r : REPLICAS) {
      cache.leaseRenewed(r, now);
    }
  }

  static ReadCache.Entry entry(long version) {
    return new ReadCache.Entry(("body@" + version).getBytes(), ("single@" + version).getBytes(), version);
  }

  /** Takes a ticket and fills, as a read that started and finished now would. */
  void fillNow(String key, ReadCache.Entry e) {
    cache.fill(key, cache.ticket(), e);
  }

  long stat(String name) {
    return ((Number) cache.stats().get(name)).longValue();
  }

  // ------------------------------------------------------------------ pages of a group

  /** A listing's pages are cached under their own keys and all go stale with their group (the topic). */
  @Nested
  class Groups {
    ReadCache.Entry page(long version) {
      return new ReadCache.Entry(("page@" + version).getBytes(), null, version, "topic:ds");
    }

    @Test
    void invalidatingTheGroupMakesEveryPageOfItStale() {
      renewAll();
      fillNow("topic:ds|0|10", page(5));
      fillNow("topic:ds|10|10", page(5));
      fillNow("topic:gs|0|10", new ReadCache.Entry("gs".getBytes(), null, 5, "topic:gs"));
      cache.invalidate(6, List.of("topic:ds"), false);
      assertThat(cache.get("topic:ds|0|10")).isNull();
      assertThat(cache.get("topic:ds|10|10")).isNull();
      assertThat(cache.get("topic:gs|0|10")).isNotNull();
    }

    @Test
    void aPageReadAfterTheInvalidationIsServed() {
      renewAll();
      cache.invalidate(6, List.of("topic:ds"), false);
      ReadCache.Entry fresh = page(6);
      fillNow("topic:ds|10|10", fresh);
      assertThat(cache.get("topic:ds|10|10")).isSameAs(fresh);
    }

    @Test
    void aLateFillOfAPageOlderThanItsGroupsInvalidationIsRefused() {
      renewAll();
      long ticket = cache.ticket();
      cache.invalidate(6, List.of("topic:ds"), false);
      cache.fill("topic:ds|10|10", ticket, page(5));
      assertThat(cache.get("topic:ds|10|10")).isNull();
    }

    @Test
    void aFlushOfEverythingMakesOlderPagesStaleToo() {
      renewAll();
      fillNow("topic:ds|10|10", page(5));
      cache.invalidate(6, List.of(), true);
      assertThat(cache.get("topic:ds|10|10")).isNull();
    }
  }

  // ------------------------------------------------------------------ the lease gate

  @Nested
  class LeaseGate {
    @Test
    void nothingIsServedOrCachedBeforeTheLeaseIsValid() {
      fillNow("k", entry(1));
      assertThat(cache.leaseValid()).isFalse();
      assertThat(cache.get("k")).isNull();
      renewAll();
      assertThat(cache.get("k")).as("the earlier fill was refused").isNull();
    }

    @Test
    void oneReplicasAckIsNotEnough() {
      cache.leaseRenewed("c1", clock.getAsLong());
      fillNow("k", entry(1));
      assertThat(cache.leaseValid()).isFalse();
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void aFillWhileTheLeaseIsValidIsServed() {
      renewAll();
      ReadCache.Entry e = entry(5);
      fillNow("k", e);
      assertThat(cache.get("k")).isSameAs(e);
    }

    @Test
    void nothingIsServedOnceTheLeaseLapses() {
      renewAll();
      fillNow("k", entry(5));
      clock.advanceMillis(LEASE_MILLIS);
      assertThat(cache.leaseValid()).isFalse();
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void theLeaseRunsFromTheHeartbeatsSendTime() {
      long sentAt = clock.getAsLong();
      clock.advanceMillis(60); // the ack arrives late
      cache.leaseRenewed("c1", sentAt);
      cache.leaseRenewed("c2", sentAt);
      fillNow("k", entry(1));
      clock.advanceMillis(39);
      assertThat(cache.get("k")).isNotNull();
      clock.advanceMillis(1);
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void renewalsWhileValidKeepEntries() {
      renewAll();
      fillNow("k", entry(1));
      for (int i = 0; i < 5; i++) {
        clock.advanceMillis(LEASE_MILLIS / 2);
        renewAll();
      }
      assertThat(cache.get("k")).isNotNull();
    }

    @Test
    void aLapseNoticedByAReadThenARenewalFlushesEntriesCachedBeforeTheLapse() {
      renewAll();
      clock.advanceMillis(10);
      renewAll();
      fillNow("k", entry(1));
      clock.advanceMillis(LEASE_MILLIS + 50);
      assertThat(cache.get("k")).isNull(); // notices the lapse
      renewAll();
      assertThat(cache.leaseValid()).isTrue();
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void aLapseNoticedOnlyByTheRenewalFlushesEntriesCachedBeforeTheLapse() {
      renewAll();
      clock.advanceMillis(10);
      renewAll();
      fillNow("k", entry(1));
      clock.advanceMillis(LEASE_MILLIS + 50); // no read during the lapse
      renewAll();
      assertThat(cache.leaseValid()).isTrue();
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void entriesCachedAfterTheRenewalAreServed() {
      renewAll();
      clock.advanceMillis(10);
      renewAll();
      clock.advanceMillis(LEASE_MILLIS + 50);
      renewAll();
      fillNow("k", entry(1));
      assertThat(cache.get("k")).isNotNull();
    }

    @Test
    void aReadThatStartedBeforeALapseCannotBeCachedAfterIt() {
      renewAll();
      clock.advanceMillis(10);
      renewAll();
      long ticket = cache.ticket();
      clock.advanceMillis(LEASE_MILLIS + 50);
      cache.get("other"); // notices the lapse
      renewAll();

      cache.fill("k", ticket, entry(1));

      assertThat(cache.get("k")).isNull();
    }

    @Test
    void aReadThatStartedBeforeALapseNoticedOnlyByTheRenewalCannotBeCachedAfterIt() {
      renewAll();
      clock.advanceMillis(10);
      renewAll();
      long ticket = cache.ticket();
      clock.advanceMillis(LEASE_MILLIS + 50);
      renewAll();

      cache.fill("k", ticket, entry(1));

      assertThat(cache.get("k")).isNull();
    }
  }

  // ------------------------------------------------------------------ fills

  @Nested
  class Fills {
    @BeforeEach
    void validLease() {
      renewAll();
    }

    @Test
    void aFillIsRefusedWhenAFlushHappenedSinceItsTicket() {
      long ticket = cache.ticket();
      cache.invalidate(1, List.of(), true);
      cache.fill("k", ticket, entry(5));
      assertThat(cache.get("k")).isNull();
      assertThat(stat("refusedFills")).isEqualTo(1);
    }

    @Test
    void aFillIsRefusedWhenDisablingFlushedSinceItsTicket() {
      long ticket = cache.ticket();
      cache.setEnabled(false);
      cache.setEnabled(true);
      cache.fill("k", ticket, entry(5));
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void aKeyInvalidationDoesNotMoveTheTicket() {
      long ticket = cache.ticket();
      cache.invalidate(3, List.of("other"), false);
      assertThat(cache.ticket()).isEqualTo(ticket);
    }

    @Test
    void aLateFillOlderThanTheKeysInvalidationIsRefused() {
      long ticket = cache.ticket();
      cache.invalidate(10, List.of("k"), false);
      cache.fill("k", ticket, entry(9));
      assertThat(cache.get("k")).isNull();
      assertThat(stat("refusedFills")).isEqualTo(1);
    }

    @Test
    void aFillReflectingTheInvalidatingWriteIsAccepted() {
      cache.invalidate(10, List.of("k"), false);
      fillNow("k", entry(10));
      assertThat(cache.get("k").version()).isEqualTo(10);
    }

    @Test
    void anInvalidationOfOneKeyDoesNotRefuseFillsOfAnother() {
      cache.invalidate(10, List.of("k"), false);
      fillNow("j", entry(3));
      assertThat(cache.get("j")).isNotNull();
    }

    @Test
    void theHighestInvalidationOfAKeyCounts() {
      cache.invalidate(10, List.of("k"), false);
      cache.invalidate(4, List.of("k"), false); // a late, older batch from another replica
      fillNow("k", entry(7));
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void aFillDoesNotReplaceANewerEntry() {
      ReadCache.Entry newer = entry(8);
      fillNow("k", newer);
      fillNow("k", entry(7));
      assertThat(cache.get("k")).isSameAs(newer);
      assertThat(stat("refusedFills")).isEqualTo(1);
    }

    @Test
    void aFillReplacesAnOlderOrEqualEntry() {
      fillNow("k", entry(7));
      ReadCache.Entry same = entry(7);
      fillNow("k", same);
      assertThat(cache.get("k")).isSameAs(same);
      ReadCache.Entry newer = entry(9);
      fillNow("k", newer);
      assertThat(cache.get("k")).isSameAs(newer);
    }

    @Test
    void aDisabledCacheRefusesFillsAndServesNothing() {
      cache.setEnabled(false);
      fillNow("k", entry(1));
      assertThat(cache.enabled()).isFalse();
      assertThat(cache.get("k")).isNull();
      assertThat(stat("refusedFills")).isEqualTo(1);
    }

    @Test
    void disablingFlushesWhatWasCached() {
      fillNow("k", entry(1));
      cache.setEnabled(false);
      cache.setEnabled(true);
      assertThat(cache.get("k")).isNull();
    }

    @Test
    void aCacheBuiltDisabledServesNothing() {
      ReadCache off = new ReadCache(100, false, REPLICAS, LEASE_MILLIS, clock);
      for (String r : REPLICAS) {
        off.leaseRenewed(r, clock.getAsLong());
      }
      off.fill("k", off.ticket(), entry(1));
      assertThat(off.get("k")).isNull();
    }
  }

  // ------------------------------------------------------------------ invalidation

  @Nested
  class Invalidation {
    @BeforeEach
    void validLease() {
      renewAll();
    }

    @Test
    void invalidatingKeysRemovesThemAndOnlyThem() {
      fillNow("a", entry(1));
      fillNow("b", entry(1));
      fillNow("c", entry(1));
      cache.invalidate(2, List.of("a", "b"), false);
      assertThat(cache.get("a")).isNull();
      assertThat(cache.get("b")).isNull();
      assertThat(cache.get("c")).isNotNull();
    }

    @Test
    void aLateInvalidationLeavesAnEntryReadAfterItsWrite() {
      fillNow("a", entry(7));
      cache.invalidate(7, List.of("a"), false); // a follower applying write 7 after the key was refilled
      cache.invalidate(5, List.of("a"), false);
      assertThat(cache.get("a")).as("read at 7, it already shows writes 5 and 7").isNotNull();
      cache.invalidate(8, List.of("a"), false);
      assertThat(cache.get("a")).isNull();
    }

    @Test
    void aFlushAllRemovesEverything() {
      fillNow("a", entry(1));
      fillNow("b", entry(1));
      cache.invalidate(2, List.of(), true);
      assertThat(cache.get("a")).isNull();
      assertThat(cache.get("b")).isNull();
    }

    @Test
    void aFlushAllRaisesTheFloorForEveryKey() {
      cache.invalidate(20, List.of(), true);
      fillNow("a", entry(19));
      fillNow("b", entry(20));
      assertThat(cache.get("a")).isNull();
      assertThat(cache.get("b")).isNotNull();
    }

    @Test
    void theFloorNeverMovesDown() {
      cache.invalidate(20, List.of(), true);
      cache.invalidate(5, List.of(), true);
      fillNow("a", entry(19));
      assertThat(cache.get("a")).isNull();
    }

    @Test
    void forgettingManyTrackedKeysKeepsTheirEffectAsAFloor() {
      // maxEntries 100 tracks at most 1024 keys before folding them into the floor.
      for (int i = 1; i <= 1025; i++) {
        cache.invalidate(i, List.of("key-" + i), false);
      }
      fillNow("key-1", entry(1024));
      fillNow("never-invalidated", entry(1024));
      fillNow("fresh", entry(1025));
      assertThat(cache.get("key-1")).isNull();
      assertThat(cache.get("never-invalidated")).isNull();
      assertThat(cache.get("fresh")).isNotNull();
    }

    @Test
    void belowTheTrackingBoundOtherKeysAreUnaffected() {
      for (int i = 1; i <= 1024; i++) {
        cache.invalidate(i, List.of("key-" + i), false);
      }
      fillNow("never-invalidated", entry(1));
      assertThat(cache.get("never-invalidated")).isNotNull();
    }
  }

  // ------------------------------------------------------------------ stats

  @Nested
  class Stats {
    @Test
    void startAtZero() {
      assertThat(cache.stats()).containsEntry("hits", 0L).containsEntry("misses", 0L)
          .containsEntry("invalidations", 0L).containsEntry("refusedFills", 0L).containsEntry("hitRatio", 0.0)
          .containsEntry("enabled", true).containsEntry("leaseValid", false);
    }

    @Test
    void countHitsMissesAndTheRatio() {
      renewAll();
      fillNow("k", entry(1));
      cache.get("k");
      cache.get("k");
      cache.get("k");
      cache.get("missing");
      assertThat(stat("hits")).isEqualTo(3);
      assertThat(stat("misses")).isEqualTo(1);
      assertThat(cache.stats()).containsEntry("hitRatio", 0.75).containsEntry("leaseValid", true);
      assertThat(stat("entries")).isEqualTo(1);
    }

    @Test
    void aReadWithoutALeaseIsAMiss() {
      cache.get("k");
      assertThat(stat("misses")).isEqualTo(1);
    }

    @Test
    void countInvalidationBatchesAndFlushes() {
      renewAll();
      long flushesBefore = stat("flushes");
      cache.invalidate(1, List.of("a", "b"), false);
      cache.invalidate(2, List.of(), true);
      assertThat(stat("invalidations")).isEqualTo(2);
      assertThat(stat("flushes")).isEqualTo(flushesBefore + 1);
    }

    @Test
    void reportTheSwitch() {
      cache.setEnabled(false);
      assertThat(cache.stats()).containsEntry("enabled", false);
    }
  }

  /** A nanosecond clock that moves only when told. */
  static final class FakeClock implements LongSupplier {
    private long nanos = 5_000_000_000L;

    @Override
    public long getAsLong() {
      return nanos;
    }

    void advanceMillis(long millis) {
      nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }
  }
}
