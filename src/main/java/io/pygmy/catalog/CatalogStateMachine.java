package io.pygmy.catalog;

import io.pygmy.http.Json;
import io.pygmy.raft.CheckpointSource;
import io.pygmy.raft.StoreStateMachine;
import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.StagedWrites;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The catalog's Ratis state machine: a thin adapter around {@link Inventory}. Its one addition is the
 * invalidation barrier: the reply to a write that changed books is released only when the
 * {@link InvalidationFanout} says every frontend cache has dropped the stale entries.
 *
 * <p>The leader sends those invalidations when it <em>appends</em> the write, so they travel while the
 * entry is replicated instead of after it committed. That is safe because a frontend refuses to cache
 * any read older than an invalidation's log index ({@code ReadCache}): a read that refills the entry
 * before the write commits reflects an older index and is not cached. What applying the write changes
 * is checked against what was sent: keys or frontends the early send did not cover are invalidated then,
 * and the reply waits for both. An entry that never commits costs only cache misses.
 */
public final class CatalogStateMachine extends StoreStateMachine {
  /** Most invalidations sent at append time that may wait for their entry's apply; beyond, apply sends. */
  static final int SENT_AT_APPEND_MAX = 4096;

  private final Inventory inventory;
  private final CatalogReads reads;
  private final InvalidationFanout fanout;
  /** Applied writes whose invalidations some frontend has not acknowledged yet, by log index. */
  private final ConcurrentSkipListMap<Long, CompletableFuture<?>> unpublished = new ConcurrentSkipListMap<>();
  /** Invalidations this replica sent as leader when appending, by the entry's log index, until it applies. */
  private final ConcurrentSkipListMap<Long, SentAtAppend> sentAtAppend = new ConcurrentSkipListMap<>();
  private final LongAdder appliedWithEarlyInvalidation = new LongAdder();

  /** An invalidation sent at append time: the keys, and to whom. */
  private record SentAtAppend(Set<String> keys, InvalidationFanout.Sent sent) {}

  public CatalogStateMachine(CatalogLimits limits, InvalidationFanout fanout, StoreFactory stores,
                             CheckpointSource checkpoints, long snapshotEveryLogBytes) {
    super(stores, checkpoints, snapshotEveryLogBytes);
    this.inventory = new Inventory(limits);
    this.reads = new CatalogReads(inventory);
    this.fanout = fanout;
  }

  @Override
  protected Optional<byte[]> rejectBeforeLogging(KeyValues state, byte[] command) {
    return inventory.rejectBeforeLogging(state, Json.read(command, CatalogCommand.class), System.currentTimeMillis())
        .map(Json::bytes);
  }

  /** The cache keys the command may change, when invalidation is on and there are any. */
  @Override
  protected Object prepareAppend(KeyValues state, byte[] command) {
    if (!fanout.enabled()) {
      return null;
    }
    Set<String> keys = CacheKeys.affectedBy(inventory.booksNamedBy(state, Json.read(command, CatalogCommand.class)));
    return keys.isEmpty() ? null : keys;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void beforeAppend(Object prepared, long index) {
    if (sentAtAppend.size() >= SENT_AT_APPEND_MAX) {
      return;
    }
    Set<String> keys = (Set<String>) prepared;
    sentAtAppend.put(index, new SentAtAppend(keys, fanout.send(index, keys, Set.of())));
  }

  /** Applied writes whose invalidations the leader had sent when appending them (status, tests). */
  public long appliedWithEarlyInvalidation() {
    return appliedWithEarlyInvalidation.sum();
  }

  /** Early sends still waiting for their entry to apply here (tests). */
  int sentAtAppendWaiting() {
    return sentAtAppend.size();
  }

  @Override
  protected Applied applyCommand(StagedWrites batch, byte[] command, long index) {
    CatalogCommand cmd = Json.read(command, CatalogCommand.class);
    Inventory.Applied applied = inventory.apply(batch, cmd);
    Set<String> stale = new LinkedHashSet<>(CacheKeys.affectedBy(applied.changed()));
    for (CatalogReply reply : applied.reply().replies()) {
      if (reply.replayed()) {
        // A replay is acknowledged again: make sure no cache still shows the item as it was before the
        // original write, whatever happened to that write's own invalidation on this replica.
        int item = reply.reservation() != null ? reply.reservation().item()
            : reply.book() != null ? reply.book().id() : 0;
        reads.book(batch, item).ifPresent(b -> stale.addAll(CacheKeys.affectedBy(List.of(b))));
      }
    }
    CompletableFuture<Void> invalidated = invalidate(index, stale);
    if (!invalidated.isDone()) {
      unpublished.put(index, invalidated);
      invalidated.whenComplete((ok, error) -> unpublished.remove(index));
    }
    // The reply shows the state after every write up to this index, so it is released once all of their
    // invalidations landed, not only this write's own: a refused reserve changes nothing, yet tells the
    // buyer the stock an earlier write left, whose invalidation may still be in flight.
    return new Applied(Json.bytes(applied.reply()), published(index));
  }

  /** Invalidates what the write at {@code index} made stale, minus what was sent when it was appended. */
  private CompletableFuture<Void> invalidate(long index, Set<String> stale) {
    // Entries below this index that never applied here were replaced after a change of leader.
    sentAtAppend.headMap(index).clear();
    SentAtAppend early = sentAtAppend.remove(index);
    if (early == null || stale.isEmpty()) {
      return fanout.invalidate(index, stale);
    }
    Set<String> covered = new LinkedHashSet<>(stale);
    covered.retainAll(early.keys());
    if (covered.isEmpty()) {
      return fanout.invalidate(index, stale);
    }
    appliedWithEarlyInvalidation.increment();
    Set<String> rest = new LinkedHashSet<>(stale);
    rest.removeAll(covered);
    // Frontends that appeared (or restarted) since the early send get the covered keys now, every
    // frontend the rest.
    CompletableFuture<Void> newcomers = fanout.send(index, covered, early.sent().channels()).acked();
    return CompletableFuture.allOf(early.sent().acked(), newcomers, fanout.invalidate(index, rest));
  }

  /**
   * Completes when every write up to {@code version} has been invalidated in every frontend cache.
   * A book read reflecting {@code version} is answered only then: otherwise a client could see a new
   * stock here while another, later, still gets the old one from a frontend cache whose invalidation
   * is in flight, and reads would not be linearizable (found by {@code pygmy chaos}, seed 424242).
   */
  public CompletableFuture<Void> published(long version) {
    var pending = unpublished.headMap(version, true).values();
    return pending.isEmpty() ? CompletableFuture.completedFuture(null)
        : CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
  }

  @Override
  protected byte[] refusedReply(String why) {
    return Json.bytes(CatalogReply.failed(CatalogReply.Outcome.INVALID, why));
  }

  @Override
  protected byte[] answer(KeyValues state, byte[] query, long version) {
    return Json.bytes(CatalogQuery.answer(reads, state, Json.read(query, CatalogQuery.class), version));
  }

  @Override
  protected void importLegacySnapshot(InputStream json, KeyValueStore store) throws IOException {
    LegacyCatalogImport.run(json, store);
  }

  @Override
  protected List<String> verify(KeyValues state) {
    return reads.verify(state);
  }

  /** A checkpoint replaced the state: what was sent at append time belongs to entries it already holds. */
  @Override
  protected void stateReplaced() {
    sentAtAppend.clear();
  }

  public CatalogReads reads() {
    return reads;
  }

  /** A consistent local read for status and metrics (not linearizable; use Raft reads for answers). */
  public <T> T inspect(Function<KeyValues, T> read) {
    return read(read);
  }
}
