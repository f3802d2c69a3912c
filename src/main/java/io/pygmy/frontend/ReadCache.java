package io.pygmy.frontend;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The frontend's cache of catalog reads, safe against every race we know of:
 * <ul>
 *   <li>It answers only while the {@link CacheLease} is valid, and is flushed whenever the lease lapsed.
 *   <li>Invalidations carry the log index of the write. A fill carries the index its read reflects
 *       and is refused when older than an invalidation of its key ("late fill").
 *   <li>A fill also carries the cache epoch from before its read; a flush moves the epoch on, so a
 *       read that started before a flush cannot be cached after it.
 * </ul>
 * Errors are never passed to {@link #fill}, so they are never cached. The cache is bounded by entries.
 */
public final class ReadCache {
  /**
   * A cached catalog answer: the response body, a second form of it (the single book of an item lookup,
   * the seed's shape of a listing), its log index, and the key whose invalidation also makes it stale
   * ({@code group}: a page of a topic is stale once its topic is invalidated; null for none).
   */
  public record Entry(byte[] body, byte[] alternate, long version, String group) {
    public Entry(byte[] body, byte[] alternate, long version) {
      this(body, alternate, version, null);
    }
  }

  private final Cache<String, Entry> entries;
  private final CacheLease lease;
  private final LongSupplier nanoClock;
  private final int maxTrackedKeys;
  private final Map<String, Long> invalidatedAt = new ConcurrentHashMap<>();
  /** Every fill must reflect at least this index: raised by flush-everything invalidations. */
  private final AtomicLong floorIndex = new AtomicLong();
  private final AtomicLong epoch = new AtomicLong();
  private final AtomicBoolean enabled;
  private final AtomicBoolean flushedSinceLapse = new AtomicBoolean(true);

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final LongAdder flushes = new LongAdder();
  private final LongAdder refusedFills = new LongAdder();

  public ReadCache(int maxEntries, boolean enabled, Set<String> catalogReplicas, long usableLeaseMillis,
                   LongSupplier nanoClock) {
    this.entries = Caffeine.newBuilder().maximumSize(maxEntries).build();
    this.lease = new CacheLease(catalogReplicas, TimeUnit.MILLISECONDS.toNanos(usableLeaseMillis));
    this.nanoClock = nanoClock;
    this.maxTrackedKeys = Math.max(1024, maxEntries * 4);
    this.enabled = new AtomicBoolean(enabled);
  }

  /** A cached answer, or null when absent, disabled, or the lease is not valid. */
  public Entry get(String key) {
    if (!usable()) {
      misses.increment();
      return null;
    }
    Entry e = entries.getIfPresent(key);
    if (e != null && e.group() != null
        && e.version() < Math.max(floorIndex.get(), invalidatedAt.getOrDefault(e.group(), 0L))) {
      // A page of a group invalidated since it was read: dropped here rather than found at invalidation time.
      entries.asMap().remove(key, e);
      e = null;
    }
    if (e == null) {
      misses.increment();
    } else {
      hits.increment();
    }
    return e;
  }

  /** Call before reading from the catalog; pass the ticket to {@link #fill}. */
  public long ticket() {
    return epoch.get();
  }

  /** Caches a successful read that reflects log index {@code version}, unless it may be stale. */
  public void fill(String key, long ticket, Entry entry) {
    if (!usable() || ticket != epoch.get()) {
      refusedFills.increment();
      return;
    }
    Entry stored = entries.asMap().compute(key, (k, old) -> {
      long floor = Math.max(floorIndex.get(), invalidatedAt.getOrDefault(k, 0L));
      if (entry.group() != null) {
        floor = Math.max(floor, invalidatedAt.getOrDefault(entry.group(), 0L));
      }
      if (entry.version() < floor || old != null && old.version() > entry.version()) {
        return old;
      }
      return entry;
    });
    if (stored != entry) {
      refusedFills.increment();
    } else if (ticket != epoch.get()) {
      // A flush ran while we inserted: drop what we put in, it may predate the flush.
      entries.asMap().remove(key, entry);
    }
  }

  /** Applies an invalidation batch from a catalog replica for the write at log {@code index}. */
  public void invalidate(long index, Collection<String> keys, boolean flushAll) {
    invalidations.increment();
    if (flushAll) {
      floorIndex.accumulateAndGet(index, Math::max);
      flush();
      return;
    }
    for (String key : keys) {
      invalidatedAt.merge(key, index, Math::max);
      // Only what was read before this write is stale. Every catalog replica sends its own invalidation
      // when it applies a write, so a follower's can arrive after the write was acknowledged and the key
      // refilled from a newer state; that entry stays.
      entries.asMap().computeIfPresent(key, (k, e) -> e.version() >= index ? e : null);
    }
    if (invalidatedAt.size() > maxTrackedKeys) {
      // Bounded memory: forget per-key indexes but keep their effect as a floor for every key.
      long max = invalidatedAt.values().stream().mapToLong(Long::longValue).max().orElse(0);
      floorIndex.accumulateAndGet(max, Math::max);
      invalidatedAt.clear();
    }
  }

  /** Records a catalog replica's heartbeat ack; flushes when the lease had lapsed. */
  public void leaseRenewed(String replica, long sentAtNanos) {
    if (lease.renew(replica, sentAtNanos, nanoClock.getAsLong())) {
      flushOncePerLapse();
    } else {
      flushedSinceLapse.set(false);
    }
  }

  public void setEnabled(boolean on) {
    if (!on) {
      flush();
    }
    enabled.set(on);
  }

  public boolean enabled() {
    return enabled.get();
  }

  public boolean leaseValid() {
    return lease.valid(nanoClock.getAsLong());
  }

  private boolean usable() {
    if (!enabled.get()) {
      return false;
    }
    if (!lease.valid(nanoClock.getAsLong())) {
      flushOncePerLapse();
      return false;
    }
    return true;
  }

  private void flushOncePerLapse() {
    if (flushedSinceLapse.compareAndSet(false, true)) {
      flush();
    } else {
      // Already flushed for this lapse, but move the epoch on so in-flight fills are refused.
      epoch.incrementAndGet();
    }
  }

  private void flush() {
    epoch.incrementAndGet();
    entries.invalidateAll();
    flushes.increment();
  }

  public Map<String, Object> stats() {
    long h = hits.sum();
    long m = misses.sum();
    return Map.of(
        "enabled", enabled.get(),
        "leaseValid", leaseValid(),
        "entries", entries.estimatedSize(),
        "hits", h,
        "misses", m,
        "hitRatio", h + m == 0 ? 0.0 : (double) h / (h + m),
        "invalidations", invalidations.sum(),
        "flushes", flushes.sum(),
        "refusedFills", refusedFills.sum());
  }
}
