package io.pygmy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.catalog.InvalidationFanout.Frontend;
import io.pygmy.catalog.InvalidationFanout.SendResult;
import io.pygmy.config.Settings;
import io.pygmy.http.Json;
import io.pygmy.raft.CheckpointSource;
import io.pygmy.storage.MemoryStore;
import io.pygmy.storage.StagedWrites;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression for `pygmy chaos --seed 424242`: a lookup answered by a replica showed a buy's new stock
 * while a frontend still held the old stock in its cache (its invalidation in flight), and a search
 * that started after that lookup had returned got the old stock from the cache. A book read must wait
 * until the writes it reflects are invalidated everywhere.
 */
class CatalogStateMachineTest {
  static final Frontend F1 = new Frontend("frontend-1", "http://f1", "inc-a");

  InvalidationFanoutTest.FakeClock clock;
  InvalidationFanoutTest.ManualScheduler scheduler;
  InvalidationFanoutTest.FakeSender sender;
  InvalidationFanout fanout;
  CatalogStateMachine machine;
  /** The store the state machine's commands apply to: this test drives the apply path itself, as Ratis would. */
  MemoryStore store;

  @BeforeEach
  void setUp() {
    clock = new InvalidationFanoutTest.FakeClock();
    scheduler = new InvalidationFanoutTest.ManualScheduler(clock);
    sender = new InvalidationFanoutTest.FakeSender();
    fanout = new InvalidationFanout(sender, scheduler, clock, 1000, 20, 16, true);
    scheduler.advanceMillis(1000); // past the startup grace
    fanout.heartbeat(F1);
    store = new MemoryStore();
    machine = new CatalogStateMachine(CatalogLimits.from(Settings.defaults()), fanout, dir -> store,
        CheckpointSource.NONE, Long.MAX_VALUE);
    apply(1, new CatalogCommand.Seed(List.of(new Book(1, "A book", "ds", 100, 10),
        new Book(2, "Another", "gs", 50, 10), new Book(3, "A third", "cooking", 5, 10))));
    // A seed sends no invalidation: no read is answered before the catalog is seeded, so no cache holds a book.
    assertThat(sender.calls).isEmpty();
  }

  private CompletableFuture<?> apply(long index, CatalogCommand command) {
    StagedWrites batch = store.stage();
    CompletableFuture<?> before = machine.applyCommand(batch, Json.bytes(command), index).before();
    store.commit(batch);
    return before;
  }

  @Test
  void aReadOfAStateWhoseInvalidationIsInFlightWaitsForIt() {
    CompletableFuture<?> acked = apply(2, new CatalogCommand.Reserve("k1", 1, 3, 0));
    assertThat(acked).isNotDone();
    assertThat(machine.published(1)).as("the seed was invalidated").isDone();
    CompletableFuture<Void> read = machine.published(2);
    assertThat(read).as("a read reflecting the buy").isNotDone();
    sender.complete(0, SendResult.ACKED);
    assertThat(read).isDone();
    assertThat(acked).isDone();
    assertThat(machine.published(5)).isDone();
  }

  @Test
  void aWriteThatChangedNoBookDoesNotHoldReadsBack() {
    apply(2, new CatalogCommand.Reserve("k1", 1, 30, 0)); // out of stock: nothing changed, nothing to invalidate
    assertThat(machine.published(2)).isDone();
  }

  /**
   * Regression for ChaosIT (seed 20261124): a buy refused as out of stock revealed the stock an earlier
   * buy left while that buy's invalidation was still in flight, and a lookup that started after the
   * refusal still got the older stock from a frontend cache.
   */
  @Test
  void aRefusalWaitsForTheInvalidationsOfTheWritesBeforeIt() {
    CompletableFuture<?> bought = apply(2, new CatalogCommand.Reserve("k1", 1, 10, 0)); // takes the last copies
    CompletableFuture<?> refused = apply(3, new CatalogCommand.Reserve("k2", 1, 1, 0)); // out of stock now
    assertThat(bought).isNotDone();
    assertThat(refused).as("the refusal shows stock 0 before caches dropped the old stock").isNotDone();
    sender.complete(0, SendResult.ACKED);
    assertThat(bought).isDone();
    assertThat(refused).isDone();
  }

  /**
   * A batch of buys is one write: one invalidation names every book it changed, plus the books of
   * reservations it merely replayed (their buyers are answered again), and the reply waits for it.
   */
  @Test
  void aBatchIsInvalidatedAsOneWriteCoveringEveryBookItTouched() {
    apply(2, new CatalogCommand.Reserve("old", 3, 1, 0));
    sender.complete(0, SendResult.ACKED);
    CompletableFuture<?> batch = apply(3, new CatalogCommand.ReserveAll(List.of(
        new CatalogCommand.Reserve("k1", 1, 1, 0), new CatalogCommand.Reserve("k2", 2, 1, 0),
        new CatalogCommand.Reserve("old", 3, 1, 0))));
    assertThat(sender.calls).hasSize(2);
    assertThat(sender.calls.get(1).keys()).containsAll(CacheKeys.affectedBy(List.of(
        book(1), book(2), book(3))));
    assertThat(batch).isNotDone();
    sender.complete(1, SendResult.ACKED);
    assertThat(batch).isDone();
  }

  private Book book(int id) {
    return machine.reads().book(store.latest(), id).orElseThrow();
  }

  // ------------------------------------------------------------------ invalidation at append time

  /** What the leader does for a command it is about to append at {@code index}. */
  private void append(long index, CatalogCommand command) {
    Object prepared = machine.prepareAppend(store.latest(), Json.bytes(command));
    if (prepared != null) {
      machine.beforeAppend(prepared, index);
    }
  }

  @Test
  void theLeaderInvalidatesWhenItAppendsAndTheApplyWaitsForThatAckWithoutSendingAgain() {
    append(2, new CatalogCommand.Reserve("k1", 1, 1, 0));
    assertThat(sender.calls).as("sent before the entry committed").hasSize(1);
    assertThat(sender.calls.get(0).index()).isEqualTo(2);
    assertThat(sender.calls.get(0).keys()).containsExactlyInAnyOrder("item:1", "topic:ds", CacheKeys.ALL);

    CompletableFuture<?> acked = apply(2, new CatalogCommand.Reserve("k1", 1, 1, 0));
    assertThat(sender.calls).as("nothing more to send at apply").hasSize(1);
    assertThat(acked).isNotDone();
    assertThat(machine.published(2)).isNotDone();
    sender.complete(0, SendResult.ACKED);
    assertThat(acked).isDone();
    assertThat(machine.appliedWithEarlyInvalidation()).isEqualTo(1);
  }

  @Test
  void anInvalidationAckedWhileTheEntryReplicatesLetsTheApplyAnswerAtOnce() {
    append(2, new CatalogCommand.Reserve("k1", 1, 1, 0));
    sender.complete(0, SendResult.ACKED);
    assertThat(apply(2, new CatalogCommand.Reserve("k1", 1, 1, 0))).isDone();
  }

  /**
   * A frontend that starts leasing between the append and the commit could cache an older read (its
   * read reflects an index below the write's); it gets the keys at apply and the reply waits for it.
   */
  @Test
  void aFrontendThatAppearedAfterTheAppendIsInvalidatedAtApply() {
    append(2, new CatalogCommand.Reserve("k1", 1, 1, 0));
    Frontend f2 = new Frontend("frontend-2", "http://f2", "inc-b");
    fanout.heartbeat(f2);
    sender.complete(0, SendResult.ACKED);

    CompletableFuture<?> acked = apply(2, new CatalogCommand.Reserve("k1", 1, 1, 0));
    assertThat(sender.calls).hasSize(2);
    assertThat(sender.calls.get(1).target()).isEqualTo(f2);
    assertThat(sender.calls.get(1).index()).isEqualTo(2);
    assertThat(acked).isNotDone();
    sender.complete(1, SendResult.ACKED);
    assertThat(acked).isDone();
  }

  /** After a change of leader the entry at that index can be another write: what it changes is sent then. */
  @Test
  void keysTheEarlySendDidNotNameAreInvalidatedAtApply() {
    append(2, new CatalogCommand.Reserve("k1", 1, 1, 0));
    CompletableFuture<?> acked = apply(2, new CatalogCommand.Reserve("other", 2, 1, 0));
    sender.complete(0, SendResult.ACKED);
    assertThat(sender.calls).hasSize(2);
    assertThat(sender.calls.get(1).keys()).as("'all' was sent at append").containsExactlyInAnyOrder("item:2", "topic:gs");
    assertThat(acked).isNotDone();
    sender.complete(1, SendResult.ACKED);
    assertThat(acked).isDone();
    assertThat(machine.appliedWithEarlyInvalidation()).as("the shared key 'all' was covered").isEqualTo(1);
  }

  @Test
  void anEntryThatNeverAppliedHereIsForgottenWhenALaterOneApplies() {
    append(2, new CatalogCommand.Reserve("lost", 1, 1, 0));
    sender.complete(0, SendResult.ACKED);
    // Index 2 was replaced by an entry this replica got through a snapshot; index 3 applies next.
    append(3, new CatalogCommand.Reserve("k3", 3, 1, 0));
    apply(3, new CatalogCommand.Reserve("k3", 3, 1, 0));
    assertThat(machine.sentAtAppendWaiting()).isZero();
  }
}
