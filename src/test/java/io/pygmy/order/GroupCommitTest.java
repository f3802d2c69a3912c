package io.pygmy.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit with real threads: commits are held open by latches, never timed by sleeps. */
class GroupCommitTest {
  private final BlockingQueue<List<String>> committed = new LinkedBlockingQueue<>();
  private final List<String> abandoned = new ArrayList<>();
  /** A commit of a batch that holds a "hold..." item waits on this; others go straight through. */
  private final CountDownLatch releaseHolds = new CountDownLatch(1);
  private final Semaphore holdsStarted = new Semaphore(0);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostRunning = new AtomicInteger();
  private GroupCommit<String> group;

  private GroupCommit<String> start(int maxBatch, int maxInFlight, int maxWaiting) {
    group = new GroupCommit<>("test", maxBatch, maxInFlight, maxWaiting, batch -> {
      mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        if (batch.stream().anyMatch(item -> item.startsWith("hold"))) {
          holdsStarted.release();
          awaitLatch(releaseHolds);
        }
        committed.add(List.copyOf(batch));
      } finally {
        running.decrementAndGet();
      }
    }, left -> {
      synchronized (abandoned) {
        abandoned.addAll(left);
      }
    });
    return group;
  }

  @AfterEach
  void stop() {
    releaseHolds.countDown();
    if (group != null) {
      group.close();
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("latch released").isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private List<String> nextBatch() throws InterruptedException {
    List<String> batch = committed.poll(10, TimeUnit.SECONDS);
    assertThat(batch).as("a batch was committed").isNotNull();
    return batch;
  }

  /** Takes {@code slots} commit slots with batches that wait for {@link #releaseHolds}. */
  private void holdSlots(int slots) throws InterruptedException {
    for (int i = 1; i <= slots; i++) {
      assertThat(group.offer("hold-" + i)).isTrue();
      assertThat(holdsStarted.tryAcquire(10, TimeUnit.SECONDS)).as("hold-%s started", i).isTrue();
    }
  }

  private void offerAll(String... items) {
    for (String item : items) {
      assertThat(group.offer(item)).as("offer %s", item).isTrue();
    }
  }

  private List<List<String>> nextBatches(int n) throws InterruptedException {
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batches.add(nextBatch());
    }
    return batches;
  }

  @Test
  void aLoneItemIsCommittedAtOnceInABatchOfItsOwn() throws InterruptedException {
    start(8, 1, 8);
    assertThat(group.offer("a")).isTrue();
    assertThat(nextBatch()).containsExactly("a");
    assertThat(group.offer("b")).isTrue();
    assertThat(nextBatch()).containsExactly("b");
  }

  @Test
  void itemsThatArriveDuringACommitGoTogetherInTheNextBatchInOrder() throws InterruptedException {
    start(8, 1, 8);
    holdSlots(1);
    offerAll("b", "c", "d");
    releaseHolds.countDown();
    assertThat(nextBatch()).containsExactly("hold-1");
    assertThat(nextBatch()).containsExactly("b", "c", "d");
  }

  @Test
  void noBatchExceedsItsMaximum() throws InterruptedException {
    start(2, 1, 8);
    holdSlots(1);
    offerAll("b", "c", "d", "e", "f");
    releaseHolds.countDown();
    assertThat(nextBatches(4)).containsExactly(List.of("hold-1"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
  }

  @Test
  void aFreeSlotTakesAnItemAtOnceEvenWhileAnotherCommitRuns() throws InterruptedException {
    start(8, 2, 8);
    holdSlots(1);
    assertThat(group.offer("b")).isTrue();
    assertThat(nextBatch()).containsExactly("b");
    assertThat(group.offer("c")).isTrue();
    assertThat(nextBatch()).containsExactly("c");
  }

  @Test
  void whileEverySlotIsBusyItemsWaitAndThenGoTogether() throws InterruptedException {
    start(8, 2, 8);
    holdSlots(2);
    offerAll("b", "c", "d");
    assertThat(committed).as("nothing committed while both slots are held").isEmpty();
    releaseHolds.countDown();
    assertThat(nextBatches(3)).containsExactlyInAnyOrder(List.of("hold-1"), List.of("hold-2"),
        List.of("b", "c", "d"));
    assertThat(mostRunning.get()).isEqualTo(2);
  }

  @Test
  void offersBeyondTheWaitingLimitAreRefused() throws InterruptedException {
    start(8, 1, 2);
    holdSlots(1);
    assertThat(group.offer("b")).isTrue();
    // The dispatcher takes "b" and waits with it for the slot, so exactly two more fit in the queue.
    await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == 0);
    assertThat(group.offer("c")).isTrue();
    assertThat(group.offer("d")).isTrue();
    assertThat(group.offer("e")).isFalse();
    releaseHolds.countDown();
    assertThat(nextBatches(2)).containsExactly(List.of("hold-1"), List.of("b", "c", "d"));
  }

  @Test
  void closingAbandonsWhatWaitsAndRefusesWhatComesAfter() throws InterruptedException {
    start(8, 1, 8);
    holdSlots(1);
    assertThat(group.offer("b")).isTrue();
    assertThat(group.offer("c")).isTrue();

    group.close();

    assertThat(abandoned).containsExactlyInAnyOrder("b", "c");
    assertThat(group.offer("d")).isFalse();
    releaseHolds.countDown();
    assertThat(nextBatch()).as("the commit in flight finishes").containsExactly("hold-1");
    assertThat(committed.poll(200, TimeUnit.MILLISECONDS)).as("nothing after it").isNull();
  }

  @Test
  void limitsMustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GroupCommit<String>("bad", 0, 1, 1, b -> { },
        b -> { })).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withALingerItemsOfferedDuringItJoinTheFirstBatch() throws InterruptedException {
    group = new GroupCommit<>("linger", 10, 1, 10, 2_000, batch -> committed.add(List.copyOf(batch)), left -> { });
    assertThat(group.offer("a")).isTrue();
    assertThat(group.offer("b")).isTrue();
    assertThat(group.offer("c")).isTrue();
    assertThat(committed.poll(10, TimeUnit.SECONDS)).containsExactly("a", "b", "c");
  }

  @Test
  void aNegativeLingerIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GroupCommit<String>("bad", 1, 1, 1, -1, b -> { },
        b -> { })).isInstanceOf(IllegalArgumentException.class);
  }
}
