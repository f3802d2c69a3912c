package io.pygmy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.catalog.InvalidationFanout.Frontend;
import io.pygmy.catalog.InvalidationFanout.SendResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The invalidation barrier, driven entirely by a fake clock, a fake sender whose futures the test
 * completes, and a scheduler that runs tasks only when the test advances time.
 */
class InvalidationFanoutTest {
  static final long LEASE_MILLIS = 1000;
  static final long RETRY_MILLIS = 20;
  static final int MAX_KEYS = 4;

  static final Frontend F1 = new Frontend("frontend-1", "http://f1", "inc-a");
  static final Frontend F2 = new Frontend("frontend-2", "http://f2", "inc-x");

  FakeClock clock;
  ManualScheduler scheduler;
  FakeSender sender;
  InvalidationFanout fanout;

  @BeforeEach
  void setUp() {
    clock = new FakeClock();
    scheduler = new ManualScheduler(clock);
    sender = new FakeSender();
    fanout = new InvalidationFanout(sender, scheduler, clock, LEASE_MILLIS, RETRY_MILLIS, MAX_KEYS, true);
  }

  void pastStartupGrace() {
    scheduler.advanceMillis(LEASE_MILLIS);
  }

  static Set<String> keys(String... keys) {
    return new LinkedHashSet<>(List.of(keys));
  }

  // ------------------------------------------------------------------ startup grace

  @Nested
  class StartupGrace {
    @Test
    void withNoFrontendsAWriteDuringTheFirstLeaseWaitsForItsEnd() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("item:1"));
      assertThat(done).isNotDone();

      scheduler.advanceMillis(LEASE_MILLIS - 1);
      assertThat(done).isNotDone();

      scheduler.advanceMillis(1);
      assertThat(done).isCompleted();
    }

    @Test
    void aLaterWriteWaitsOnlyForWhatIsLeftOfTheGrace() {
      scheduler.advanceMillis(600);
      CompletableFuture<Void> done = fanout.invalidate(1, keys("item:1"));
      scheduler.advanceMillis(399);
      assertThat(done).isNotDone();
      scheduler.advanceMillis(1);
      assertThat(done).isCompleted();
    }

    @Test
    void withNoFrontendsAWriteAfterTheGraceCompletesAtOnce() {
      pastStartupGrace();
      assertThat(fanout.invalidate(1, keys("item:1"))).isCompleted();
      assertThat(sender.calls).isEmpty();
    }

    @Test
    void anAckedFrontendDoesNotShortenTheGrace() {
      fanout.heartbeat(F1);
      CompletableFuture<Void> done = fanout.invalidate(1, keys("item:1"));
      sender.complete(0, SendResult.ACKED);
      assertThat(done).isNotDone();

      scheduler.advanceMillis(LEASE_MILLIS);
      assertThat(done).isCompleted();
    }

    @Test
    void theGraceEndingDoesNotReleaseAWriteAFrontendHasNotAcked() {
      fanout.heartbeat(F1);
      CompletableFuture<Void> done = fanout.invalidate(1, keys("item:1"));
      scheduler.advanceMillis(500);
      fanout.heartbeat(F1);
      scheduler.advanceMillis(500);
      assertThat(done).isNotDone();
      sender.complete(0, SendResult.ACKED);
      assertThat(done).isCompleted();
    }
  }

  // ------------------------------------------------------------------ acknowledgement

  @Nested
  class Acknowledgement {
    @BeforeEach
    void afterGrace() {
      pastStartupGrace();
    }

    @Test
    void aWriteWaitsUntilTheFrontendAcksTheBatchCoveringIt() {
      fanout.heartbeat(F1);
      CompletableFuture<Void> done = fanout.invalidate(7, keys("item:1", "topic:t", "all"));

      assertThat(sender.calls).hasSize(1);
      FakeSender.Call call = sender.calls.get(0);
      assertThat(call.target()).isEqualTo(F1);
      assertThat(call.index()).isEqualTo(7);
      assertThat(call.keys()).containsExactlyInAnyOrder("item:1", "topic:t", "all");
      assertThat(call.flushAll()).isFalse();
      assertThat(done).isNotDone();

      sender.complete(0, SendResult.ACKED);
      assertThat(done).isCompleted();
    }

    @Test
    void aWriteWaitsForEveryFrontend() {
      fanout.heartbeat(F1);
      fanout.heartbeat(F2);
      CompletableFuture<Void> done = fanout.invalidate(1, keys("item:1"));
      assertThat(sender.calls).extracting(FakeSender.Call::target).containsExactlyInAnyOrder(F1, F2);

      sender.completeFor(F1, SendResult.ACKED);
      assertThat(done).isNotDone();
      sender.completeFor(F2, SendResult.ACKED);
      assertThat(done).isCompleted();
    }

    @Test
    void eachWriteAfterAnAckGetsItsOwnBatch() {
      fanout.heartbeat(F1);
      fanout.invalidate(1, keys("a"));
      sender.complete(0, SendResult.ACKED);
      CompletableFuture<Void> second = fanout.invalidate(2, keys("b"));

      assertThat(sender.calls).hasSize(2);
      assertThat(sender.calls.get(1).index()).isEqualTo(2);
      assertThat(sender.calls.get(1).keys()).containsExactly("b");
      sender.complete(1, SendResult.ACKED);
      assertThat(second).isCompleted();
    }

    @Test
    void nothingIsSentAfterAnAckWhenNothingIsPending() {
      fanout.heartbeat(F1);
      fanout.invalidate(1, keys("a"));
      sender.complete(0, SendResult.ACKED);
      scheduler.advanceMillis(100);
      assertThat(sender.calls).hasSize(1);
    }

    @Test
    void writesArrivingWhileABatchIsInFlightAreMergedIntoOneNextBatch() {
      fanout.heartbeat(F1);
      CompletableFuture<Void> w1 = fanout.invalidate(1, keys("a"));
      CompletableFuture<Void> w2 = fanout.invalidate(2, keys("b"));
      CompletableFuture<Void> w3 = fanout.invalidate(3, keys("c", "a"));
      assertThat(sender.calls).hasSize(1);

      sender.complete(0, SendResult.ACKED);
      assertThat(w1).isCompleted();
      assertThat(w2).isNotDone();
      assertThat(w3).isNotDone();
      assertThat(sender.calls).hasSize(2);
      assertThat(sender.calls.get(1).index()).isEqualTo(3);
      assertThat(sender.calls.get(1).keys()).containsExactlyInAnyOrder("a", "b", "c");

      sender.complete(1, SendResult.ACKED);
      assertThat(w2).isCompleted();
      assertThat(w3).isCompleted();
      assertThat(sender.calls).hasSize(2);
    }

    /**
     * The leader sends invalidations when it appends (higher indexes) and, for what that did not cover,
     * when it applies (lower ones): a write waits for the batch carrying its keys, not for any batch
     * with a higher index.
     */
    @Test
    void aWriteWithALowerIndexThanTheBatchInFlightWaitsForTheBatchCarryingItsKeys() {
      fanout.heartbeat(F1);
      CompletableFuture<Void> appended = fanout.invalidate(10, keys("a"));
      CompletableFuture<Void> applied = fanout.invalidate(5, keys("b"));

      sender.complete(0, SendResult.ACKED);
      assertThat(appended).isCompleted();
      assertThat(applied).as("index 10 was acked, but not key b").isNotDone();
      assertThat(sender.calls).hasSize(2);
      assertThat(sender.calls.get(1).index()).isEqualTo(5);
      assertThat(sender.calls.get(1).keys()).containsExactly("b");

      sender.complete(1, SendResult.ACKED);
      assertThat(applied).isCompleted();
    }

    @Test
    void aFailedBatchTakesItsWaitersBackIntoTheRetry() {
      fanout.heartbeat(F1);
      CompletableFuture<Void> first = fanout.invalidate(3, keys("a"));
      CompletableFuture<Void> second = fanout.invalidate(2, keys("b"));
      sender.complete(0, SendResult.FAILED);
      scheduler.advanceMillis(RETRY_MILLIS);

      assertThat(sender.calls).hasSize(2);
      assertThat(sender.calls.get(1).index()).isEqualTo(3);
      assertThat(sender.calls.get(1).keys()).containsExactlyInAnyOrder("a", "b");
      assertThat(first).isNotDone();
      sender.complete(1, SendResult.ACKED);
      assertThat(first).isCompleted();
      assertThat(second).isCompleted();
    }

    @Test
    void aSendSkipsTheChannelsAnEarlierSendCoveredButNotANewOrRestartedFrontend() {
      fanout.heartbeat(F1);
      fanout.heartbeat(F2);
      InvalidationFanout.Sent early = fanout.send(4, keys("a"), Set.of());
      assertThat(early.channels()).hasSize(2);
      sender.completeFor(F1, SendResult.ACKED);
      sender.completeFor(F2, SendResult.ACKED);
      assertThat(early.acked()).isCompleted();

      Frontend f2Restarted = new Frontend(F2.name(), F2.url(), "inc-y");
      Frontend f3 = new Frontend("frontend-3", "http://f3", "inc-z");
      fanout.heartbeat(f2Restarted);
      fanout.heartbeat(f3);
      InvalidationFanout.Sent late = fanout.send(4, keys("a"), early.channels());

      assertThat(sender.calls.subList(2, sender.calls.size())).extracting(FakeSender.Call::target)
          .containsExactlyInAnyOrder(f2Restarted, f3);
      assertThat(late.acked()).isNotDone();
      sender.completeFor(f2Restarted, SendResult.ACKED);
      sender.completeFor(f3, SendResult.ACKED);
      assertThat(late.acked()).isCompleted();
    }

    @Test
    void aManyWriteBurstCostsTwoBatchesPerFrontend() {
      fanout.heartbeat(F1);
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        writes.add(fanout.invalidate(i, keys("item:1")));
      }
      sender.complete(0, SendResult.ACKED);
      sender.complete(1, SendResult.ACKED);
      assertThat(sender.calls).hasSize(2);
      assertThat(writes).allMatch(CompletableFuture::isDone);
    }

    @Test
    void anEmptyKeySetCompletesAtOnceWithoutSending() {
      fanout.heartbeat(F1);
      assertThat(fanout.invalidate(1, Set.of())).isCompleted();
      assertThat(sender.calls).isEmpty();
    }

    @Test
    void anEmptyKeySetCompletesAtOnceEvenDuringTheGrace() {
      InvalidationFanout fresh = new InvalidationFanout(sender, scheduler, clock, LEASE_MILLIS, RETRY_MILLIS,
          MAX_KEYS, true);
      assertThat(fresh.invalidate(1, Set.of())).isCompleted();
    }

    @Test
    void theFrontendsAreListed() {
      fanout.heartbeat(F1);
      fanout.heartbeat(F2);
      assertThat(fanout.frontends()).containsExactlyInAnyOrder(F1, F2);
    }
  }

  // ------------------------------------------------------------------ disabling

  @Nested
  class Disabled {
    @Test
    void disabledInvalidationCompletesAtOnceWithoutSendingEvenDuringTheGrace() {
      fanout.heartbeat(F1);
      fanout.setEnabled(false);
      assertThat(fanout.enabled()).isFalse();
      assertThat(fanout.invalidate(1, keys("a"))).isCompleted();
      assertThat(sender.calls).isEmpty();
    }

    @Test
    void reenablingResumesWaiting() {
      pastStartupGrace();
      fanout.heartbeat(F1);
      fanout.setEnabled(false);
      fanout.setEnabled(true);
      assertThat(fanout.enabled()).isTrue();
      assertThat(fanout.invalidate(1, keys("a"))).isNotDone();
      assertThat(sender.calls).hasSize(1);
    }

    @Test
    void aFanoutBuiltDisabledNeverWaits() {
      InvalidationFanout off = new InvalidationFanout(sender, scheduler, clock, LEASE_MILLIS, RETRY_MILLIS, MAX_KEYS,
          false);
      off.heartbeat(F1);
      assertThat(off.enabled()).isFalse();
      assertThat(off.invalidate(1, keys("a"))).isCompleted();
      assertThat(sender.calls).isEmpty();
    }
  }

  // ------------------------------------------------------------------ flush-all batches

  @Nested
  class FlushAll {
    @BeforeEach
    void afterGrace() {
      pastStartupGrace();
      fanout.heartbeat(F1);
    }

    @Test
    void upToMaxKeysAreSentAsKeys() {
      fanout.invalidate(1, keys("a", "b", "c", "d"));
      assertThat(sender.calls.get(0).flushAll()).isFalse();
      assertThat(sender.calls.get(0).keys()).hasSize(MAX_KEYS);
    }

    @Test
    void moreKeysThanMaxAreSentAsAFlushOfEverything() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a", "b", "c", "d", "e"));
      FakeSender.Call call = sender.calls.get(0);
      assertThat(call.flushAll()).isTrue();
      assertThat(call.keys()).isEmpty();
      assertThat(call.index()).isEqualTo(1);
      sender.complete(0, SendResult.ACKED);
      assertThat(done).isCompleted();
    }

    @Test
    void aBacklogGrowingPastMaxWhileInFlightBecomesAFlush() {
      fanout.invalidate(1, keys("a"));
      fanout.invalidate(2, keys("b", "c"));
      fanout.invalidate(3, keys("d", "e"));
      CompletableFuture<Void> last = fanout.invalidate(4, keys("f"));
      sender.complete(0, SendResult.ACKED);

      FakeSender.Call next = sender.calls.get(1);
      assertThat(next.flushAll()).isTrue();
      assertThat(next.keys()).isEmpty();
      assertThat(next.index()).isEqualTo(4);
      sender.complete(1, SendResult.ACKED);
      assertThat(last).isCompleted();
    }

    @Test
    void aBacklogOfExactlyMaxStaysKeys() {
      fanout.invalidate(1, keys("a"));
      fanout.invalidate(2, keys("b", "c"));
      fanout.invalidate(3, keys("d", "e"));
      sender.complete(0, SendResult.ACKED);
      assertThat(sender.calls.get(1).flushAll()).isFalse();
      assertThat(sender.calls.get(1).keys()).containsExactlyInAnyOrder("b", "c", "d", "e");
    }

    @Test
    void writesAfterAPendingFlushJoinItWithoutKeys() {
      fanout.invalidate(1, keys("a"));
      fanout.invalidate(2, keys("b", "c", "d", "e", "f"));
      fanout.invalidate(3, keys("g"));
      sender.complete(0, SendResult.ACKED);
      FakeSender.Call next = sender.calls.get(1);
      assertThat(next.flushAll()).isTrue();
      assertThat(next.keys()).isEmpty();
      assertThat(next.index()).isEqualTo(3);
    }

    @Test
    void theBatchAfterAFlushCarriesKeysAgain() {
      fanout.invalidate(1, keys("a", "b", "c", "d", "e"));
      sender.complete(0, SendResult.ACKED);
      fanout.invalidate(2, keys("x"));
      assertThat(sender.calls.get(1).flushAll()).isFalse();
      assertThat(sender.calls.get(1).keys()).containsExactly("x");
    }

    @Test
    void aFailedFlushIsRetriedAsAFlush() {
      fanout.invalidate(1, keys("a", "b", "c", "d", "e"));
      fanout.invalidate(2, keys("z"));
      sender.complete(0, SendResult.FAILED);
      scheduler.advanceMillis(RETRY_MILLIS);
      FakeSender.Call retry = sender.calls.get(1);
      assertThat(retry.flushAll()).isTrue();
      assertThat(retry.keys()).isEmpty();
      assertThat(retry.index()).isEqualTo(2);
    }
  }

  // ------------------------------------------------------------------ gone, failed, silent

  @Nested
  class FailuresAndDepartures {
    @BeforeEach
    void afterGrace() {
      pastStartupGrace();
      fanout.heartbeat(F1);
    }

    @Test
    void goneReleasesTheWaitersAndForgetsTheFrontend() {
      CompletableFuture<Void> w1 = fanout.invalidate(1, keys("a"));
      CompletableFuture<Void> w2 = fanout.invalidate(2, keys("b"));
      sender.complete(0, SendResult.GONE);

      assertThat(w1).isCompleted();
      assertThat(w2).isCompleted();
      assertThat(fanout.frontends()).isEmpty();
      assertThat(sender.calls).hasSize(1);
      assertThat(fanout.invalidate(3, keys("c"))).isCompleted();
      assertThat(sender.calls).hasSize(1);
    }

    @Test
    void goneForOneFrontendStillWaitsForTheOther() {
      fanout.heartbeat(F2);
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      sender.completeFor(F1, SendResult.GONE);
      assertThat(done).isNotDone();
      assertThat(fanout.frontends()).containsExactly(F2);
      sender.completeFor(F2, SendResult.ACKED);
      assertThat(done).isCompleted();
    }

    @Test
    void aGoneFrontendThatHeartbeatsAgainIsWaitedForAgain() {
      fanout.invalidate(1, keys("a"));
      sender.complete(0, SendResult.GONE);
      fanout.heartbeat(F1);
      assertThat(fanout.invalidate(2, keys("b"))).isNotDone();
      assertThat(sender.calls).hasSize(2);
    }

    @Test
    void failedIsRetriedAfterTheRetryDelayWithTheSameBatch() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      sender.complete(0, SendResult.FAILED);
      assertThat(done).isNotDone();

      scheduler.advanceMillis(RETRY_MILLIS - 1);
      assertThat(sender.calls).hasSize(1);
      scheduler.advanceMillis(1);
      assertThat(sender.calls).hasSize(2);
      FakeSender.Call retry = sender.calls.get(1);
      assertThat(retry.index()).isEqualTo(1);
      assertThat(retry.keys()).containsExactly("a");

      sender.complete(1, SendResult.ACKED);
      assertThat(done).isCompleted();
    }

    @Test
    void aRetryCarriesTheFailedKeysAndThoseWrittenMeanwhile() {
      CompletableFuture<Void> w1 = fanout.invalidate(1, keys("a"));
      CompletableFuture<Void> w2 = fanout.invalidate(2, keys("b"));
      sender.complete(0, SendResult.FAILED);
      scheduler.advanceMillis(RETRY_MILLIS);

      FakeSender.Call retry = sender.calls.get(1);
      assertThat(retry.index()).isEqualTo(2);
      assertThat(retry.keys()).containsExactlyInAnyOrder("a", "b");
      sender.complete(1, SendResult.ACKED);
      assertThat(w1).isCompleted();
      assertThat(w2).isCompleted();
      assertThat(sender.calls).hasSize(2);
    }

    @Test
    void aSenderErrorCountsAsFailedAndIsRetried() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      sender.calls.get(0).result().completeExceptionally(new RuntimeException("boom"));
      assertThat(done).isNotDone();
      scheduler.advanceMillis(RETRY_MILLIS);
      assertThat(sender.calls).hasSize(2);
      sender.complete(1, SendResult.ACKED);
      assertThat(done).isCompleted();
    }

    @Test
    void failuresKeepBeingRetriedWhileTheFrontendKeepsHeartbeating() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      for (int i = 0; i < 150; i++) { // three leases of failures
        sender.complete(sender.calls.size() - 1, SendResult.FAILED);
        scheduler.advanceMillis(RETRY_MILLIS);
        fanout.heartbeat(F1);
      }
      assertThat(done).isNotDone();
      assertThat(fanout.frontends()).containsExactly(F1);
      assertThat(sender.calls).hasSize(151);

      sender.complete(150, SendResult.ACKED);
      assertThat(done).isCompleted();
    }

    @Test
    void aFailureAfterTheFrontendWasSilentForALeaseReleasesTheWaiters() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      clock.advanceMillis(LEASE_MILLIS + 1); // time passes; no scheduled task has run yet
      sender.complete(0, SendResult.FAILED);

      assertThat(done).isCompleted();
      assertThat(fanout.frontends()).isEmpty();
      scheduler.advanceMillis(RETRY_MILLIS);
      assertThat(sender.calls).hasSize(1);
    }

    @Test
    void aFailureWithinTheLeaseOfSilenceDoesNotRelease() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      clock.advanceMillis(LEASE_MILLIS);
      sender.complete(0, SendResult.FAILED);
      assertThat(done).isNotDone();
      assertThat(fanout.frontends()).containsExactly(F1);
    }

    @Test
    void theRetriesStopReleasingOnlyOnceTheSilenceExceedsTheLease() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      int failures = 0;
      while (!done.isDone() && failures < 200) {
        sender.complete(sender.calls.size() - 1, SendResult.FAILED);
        failures++;
        scheduler.advanceMillis(RETRY_MILLIS);
      }
      assertThat(done).isCompleted();
      // 1000 ms of silence at 20 ms per retry: released on the failure that comes after the lease.
      assertThat(failures).isBetween(50, 52);
    }

    @Test
    void aFrontendSilentForALeaseWithABatchStuckInFlightIsExpiredByTheSweep() {
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a")); // the send never completes
      scheduler.advanceMillis(LEASE_MILLIS);
      assertThat(done).isNotDone();

      scheduler.advanceMillis(100);
      assertThat(done).isCompleted();
      assertThat(fanout.frontends()).isEmpty();
    }

    @Test
    void aFrontendSilentForALeaseIsNotWaitedForByANewWrite() {
      clock.advanceMillis(LEASE_MILLIS + 1); // the sweep has not run yet
      CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
      assertThat(done).isCompleted();
      assertThat(sender.calls).isEmpty();
      assertThat(fanout.frontends()).isEmpty();
    }

    @Test
    void aFrontendSilentForExactlyALeaseIsStillWaitedFor() {
      clock.advanceMillis(LEASE_MILLIS);
      assertThat(fanout.invalidate(1, keys("a"))).isNotDone();
      assertThat(sender.calls).hasSize(1);
    }

    @Test
    void heartbeatsKeepAFrontendAlivePastOneLease() {
      for (int i = 0; i < 5; i++) {
        scheduler.advanceMillis(LEASE_MILLIS / 2);
        fanout.heartbeat(F1);
      }
      assertThat(fanout.frontends()).containsExactly(F1);
      assertThat(fanout.invalidate(1, keys("a"))).isNotDone();
    }

    @Test
    void aLateAckAfterExpiryIsHarmless() {
      CompletableFuture<Void> w1 = fanout.invalidate(1, keys("a"));
      scheduler.advanceMillis(LEASE_MILLIS + 100);
      assertThat(w1).isCompleted();
      sender.complete(0, SendResult.ACKED);
      assertThat(sender.calls).hasSize(1);
      assertThat(fanout.frontends()).isEmpty();
    }
  }

  // ------------------------------------------------------------------ restarts

  @Nested
  class Incarnations {
    static final Frontend F1_RESTARTED = new Frontend("frontend-1", "http://f1", "inc-b");

    @BeforeEach
    void afterGrace() {
      pastStartupGrace();
      fanout.heartbeat(F1);
    }

    @Test
    void aNewIncarnationReleasesTheOldChannelsWaiters() {
      CompletableFuture<Void> w1 = fanout.invalidate(1, keys("a"));
      CompletableFuture<Void> w2 = fanout.invalidate(2, keys("b"));
      fanout.heartbeat(F1_RESTARTED);

      assertThat(w1).isCompleted();
      assertThat(w2).isCompleted();
      assertThat(fanout.frontends()).containsExactly(F1_RESTARTED);
    }

    @Test
    void laterWritesGoToTheNewIncarnation() {
      fanout.invalidate(1, keys("a"));
      fanout.heartbeat(F1_RESTARTED);
      CompletableFuture<Void> w2 = fanout.invalidate(2, keys("b"));

      assertThat(sender.calls).hasSize(2);
      assertThat(sender.calls.get(1).target()).isEqualTo(F1_RESTARTED);
      assertThat(sender.calls.get(1).keys()).containsExactly("b");
      assertThat(w2).isNotDone();
      sender.complete(1, SendResult.ACKED);
      assertThat(w2).isCompleted();
    }

    @Test
    void theSameIncarnationKeepsItsChannelAndItsWaiters() {
      CompletableFuture<Void> w1 = fanout.invalidate(1, keys("a"));
      fanout.heartbeat(F1);
      assertThat(w1).isNotDone();
      fanout.invalidate(2, keys("b"));
      assertThat(sender.calls).hasSize(1); // still one batch in flight on the same channel
    }

    @Test
    void aLateGoneFromTheOldIncarnationDoesNotRemoveTheNewOne() {
      fanout.invalidate(1, keys("a"));
      fanout.heartbeat(F1_RESTARTED);
      sender.complete(0, SendResult.GONE);
      assertThat(fanout.frontends()).containsExactly(F1_RESTARTED);
      assertThat(fanout.invalidate(2, keys("b"))).isNotDone();
    }

    @Test
    void aLateFailureFromTheOldIncarnationIsNotRetried() {
      fanout.invalidate(1, keys("a"));
      fanout.heartbeat(F1_RESTARTED);
      sender.complete(0, SendResult.FAILED);
      scheduler.advanceMillis(RETRY_MILLIS * 5);
      assertThat(sender.calls).extracting(FakeSender.Call::target).containsExactly(F1);
    }
  }

  @Test
  void closingReleasesEveryWaiter() {
    pastStartupGrace();
    fanout.heartbeat(F1);
    fanout.heartbeat(F2);
    CompletableFuture<Void> done = fanout.invalidate(1, keys("a"));
    fanout.close();
    assertThat(done).isCompleted();
    assertThat(fanout.frontends()).isEmpty();
  }

  // ================================================================== test doubles

  /** A nanosecond clock that moves only when told. Starts far from zero, as System.nanoTime may. */
  static final class FakeClock implements LongSupplier {
    private long nanos = 123_456_789_000L;

    @Override
    public long getAsLong() {
      return nanos;
    }

    void advanceMillis(long millis) {
      nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    void advanceNanos(long n) {
      nanos += n;
    }
  }

  /** Records every send; each returns a future the test completes. */
  static final class FakeSender implements InvalidationFanout.Sender {
    record Call(Frontend target, long index, Set<String> keys, boolean flushAll, CompletableFuture<SendResult> result) {}

    final List<Call> calls = new ArrayList<>();

    @Override
    public CompletableFuture<SendResult> send(Frontend target, long index, Set<String> keys, boolean flushAll) {
      Call call = new Call(target, index, Set.copyOf(keys), flushAll, new CompletableFuture<>());
      calls.add(call);
      return call.result();
    }

    void complete(int callIndex, SendResult result) {
      assertThat(calls.get(callIndex).result().complete(result)).as("call %d completed once", callIndex).isTrue();
    }

    /** Completes the one pending call to {@code target}. */
    void completeFor(Frontend target, SendResult result) {
      List<Call> pending = calls.stream().filter(c -> c.target().equals(target) && !c.result().isDone()).toList();
      assertThat(pending).hasSize(1);
      pending.get(0).result().complete(result);
    }
  }

  /**
   * A single-threaded scheduler on the fake clock: tasks run, in due order, only inside
   * {@link #advanceMillis} (which also moves the clock) or {@link #runDue}.
   */
  static final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final FakeClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    ManualScheduler(FakeClock clock) {
      this.clock = clock;
    }

    void advanceMillis(long millis) {
      long target = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(millis);
      // Step through every due time so tasks observe the clock at the moment they were due.
      while (!queue.isEmpty() && queue.peek().dueNanos <= target) {
        long due = queue.peek().dueNanos;
        if (due > clock.getAsLong()) {
          clock.advanceNanos(due - clock.getAsLong());
        }
        runDue();
      }
      clock.advanceNanos(target - clock.getAsLong());
      runDue();
    }

    void runDue() {
      int bound = 100_000;
      while (!queue.isEmpty() && queue.peek().dueNanos <= clock.getAsLong()) {
        if (--bound == 0) {
          throw new IllegalStateException("runaway scheduled tasks");
        }
        Task<?> t = queue.poll();
        if (t.isCancelled()) {
          continue;
        }
        t.run();
        if (t.periodNanos > 0 && !t.isCancelled()) {
          t.dueNanos = clock.getAsLong() + t.periodNanos;
          queue.add(t);
        }
      }
    }

    private <V> Task<V> add(Callable<V> body, long delay, TimeUnit unit, long periodNanos) {
      Task<V> t = new Task<>(body, clock.getAsLong() + Math.max(0, unit.toNanos(delay)), periodNanos, sequence++);
      queue.add(t);
      return t;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return add(() -> {
        command.run();
        return null;
      }, delay, unit, 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      return add(callable, delay, unit, 0);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
      return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      return add(() -> {
        command.run();
        return null;
      }, initialDelay, unit, unit.toNanos(delay));
    }

    @Override
    public void execute(Runnable command) {
      schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      queue.clear();
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return isTerminated();
    }

    private final class Task<V> extends CompletableFuture<V> implements ScheduledFuture<V>, Runnable {
      private final Callable<V> body;
      private final long periodNanos;
      private final long seq;
      long dueNanos;

      Task(Callable<V> body, long dueNanos, long periodNanos, long seq) {
        this.body = body;
        this.dueNanos = dueNanos;
        this.periodNanos = periodNanos;
        this.seq = seq;
      }

      @Override
      public void run() {
        try {
          V v = body.call();
          if (periodNanos == 0) {
            complete(v);
          }
        } catch (Exception e) {
          completeExceptionally(e);
        }
      }

      @Override
      public long getDelay(TimeUnit unit) {
        return unit.convert(dueNanos - clock.getAsLong(), TimeUnit.NANOSECONDS);
      }

      @Override
      public int compareTo(Delayed other) {
        Task<?> o = (Task<?>) other;
        int byDue = Long.compare(dueNanos, o.dueNanos);
        return byDue != 0 ? byDue : Long.compare(seq, o.seq);
      }
    }
  }
}
