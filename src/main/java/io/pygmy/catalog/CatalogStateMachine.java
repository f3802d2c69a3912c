package io.pygmy.catalog;

import io.pygmy.http.Json;
import io.pygmy.raft.StoreStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * The catalog's Ratis state machine: a thin adapter around {@link Inventory}. Its one addition is the
 * invalidation barrier: the reply to a write that changed books is released only when the
 * {@link InvalidationFanout} says every frontend cache has dropped the stale entries.
 */
public final class CatalogStateMachine extends StoreStateMachine {
  private final CatalogLimits limits;
  private final InvalidationFanout fanout;
  /** Applied writes whose invalidations some frontend has not acknowledged yet, by log index. */
  private final ConcurrentSkipListMap<Long, CompletableFuture<?>> unpublished = new ConcurrentSkipListMap<>();
  private Inventory inventory;

  public CatalogStateMachine(CatalogLimits limits, InvalidationFanout fanout) {
    this.limits = limits;
    this.fanout = fanout;
    this.inventory = new Inventory(limits);
  }

  @Override
  protected Optional<byte[]> rejectBeforeLogging(byte[] command) {
    return inventory.rejectBeforeLogging(Json.read(command, CatalogCommand.class)).map(Json::bytes);
  }

  @Override
  protected Applied applyCommand(byte[] command, long index) {
    CatalogCommand cmd = Json.read(command, CatalogCommand.class);
    Inventory.Applied applied = inventory.apply(cmd);
    Set<String> stale = new LinkedHashSet<>(CacheKeys.affectedBy(applied.changed()));
    for (CatalogReply reply : applied.reply().replies()) {
      if (reply.replayed()) {
        // A replay is acknowledged again: make sure no cache still shows the item as it was before the
        // original write, whatever happened to that write's own invalidation on this replica.
        int item = reply.reservation() != null ? reply.reservation().item()
            : reply.book() != null ? reply.book().id() : 0;
        inventory.book(item).ifPresent(b -> stale.addAll(CacheKeys.affectedBy(List.of(b))));
      }
    }
    CompletableFuture<Void> invalidated = fanout.invalidate(index, stale);
    if (!invalidated.isDone()) {
      unpublished.put(index, invalidated);
      invalidated.whenComplete((ok, error) -> unpublished.remove(index));
    }
    // The reply shows the state after every write up to this index, so it is released once all of their
    // invalidations landed, not only this write's own: a refused reserve changes nothing, yet tells the
    // buyer the stock an earlier write left, whose invalidation may still be in flight.
    return new Applied(Json.bytes(applied.reply()), published(index));
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
  protected byte[] answer(byte[] query, long version) {
    return Json.bytes(CatalogQuery.answer(inventory, Json.read(query, CatalogQuery.class), version));
  }

  @Override
  protected Object snapshotState() {
    return inventory.snapshot();
  }

  @Override
  protected void restoreState(InputStream snapshotJsonOrNull) throws IOException {
    inventory = snapshotJsonOrNull == null ? new Inventory(limits)
        : Inventory.restore(Json.MAPPER.readValue(snapshotJsonOrNull, Inventory.Snapshot.class), limits);
  }

  /** A consistent local read for status and metrics (not linearizable; use Raft reads for answers). */
  public <T> T inspect(Function<Inventory, T> read) {
    return withReadLock(() -> read.apply(inventory));
  }
}
