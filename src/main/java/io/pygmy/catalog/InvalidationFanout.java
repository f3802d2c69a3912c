package io.pygmy.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes cache invalidations from one catalog replica to every frontend, and tells the replica when a
 * write may be acknowledged.
 *
 * <p>The rule: a write at log index {@code i} is acknowledged by this replica only after every
 * frontend it knows has acknowledged an invalidation batch reaching {@code i}, or is proven gone
 * (connection refused, or another incarnation answers at its address), or has not heartbeated this
 * replica for a whole cache lease. A frontend stops serving from its cache earlier than that (it uses
 * only part of the lease, counted from when it sent the heartbeat), so by the time this replica gives
 * up on it, its cache is already off. A replica that just started cannot know which frontends lease
 * against it, so for one lease after start it waits out that lease instead.
 *
 * <p>Each frontend has one channel with at most one batch in flight; keys written meanwhile are merged
 * into the next batch, so invalidation traffic stays bounded whatever the write rate.
 */
public final class InvalidationFanout implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InvalidationFanout.class);

  /** A frontend as it announces itself in heartbeats. A restarted process has a new incarnation. */
  public record Frontend(String name, String url, String incarnation) {}

  /** What came of sending one batch. */
  public enum SendResult {
    ACKED,
    /** Nothing listens at the address any more, or a different incarnation answered. */
    GONE,
    /** Timeout or error: unknown, so try again until the frontend's lease runs out. */
    FAILED
  }

  /** The I/O: sends one batch to one frontend and reports the result; never throws. */
  public interface Sender {
    CompletableFuture<SendResult> send(Frontend target, long index, Set<String> keys, boolean flushAll);
  }

  private final Sender sender;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoClock;
  private final long leaseNanos;
  private final long retryDelayMillis;
  private final int maxKeysPerBatch;
  private final long startedAtNanos;
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private volatile boolean enabled;

  public InvalidationFanout(Sender sender, ScheduledExecutorService scheduler, LongSupplier nanoClock,
                            long leaseMillis, long retryDelayMillis, int maxKeysPerBatch, boolean enabled) {
    this.sender = sender;
    this.scheduler = scheduler;
    this.nanoClock = nanoClock;
    this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    this.retryDelayMillis = retryDelayMillis;
    this.maxKeysPerBatch = maxKeysPerBatch;
    this.startedAtNanos = nanoClock.getAsLong();
    this.enabled = enabled;
    long sweepMillis = Math.max(5, leaseMillis / 20);
    scheduler.scheduleWithFixedDelay(this::expireSilentFrontends, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
  }

  /** Records a heartbeat: the frontend is alive and holds a cache lease against this replica. */
  public void heartbeat(Frontend frontend) {
    long now = nanoClock.getAsLong();
    Channel current = channels.compute(frontend.name(), (name, existing) -> {
      if (existing != null && existing.target.incarnation().equals(frontend.incarnation())) {
        return existing;
      }
      if (existing != null) {
        // The process behind this name restarted: the old one, and its cache, are gone.
        existing.release("replaced by incarnation " + frontend.incarnation());
      }
      return new Channel(frontend, now);
    });
    current.lastHeardNanos = Math.max(current.lastHeardNanos, now);
  }

  /**
   * Invalidates {@code keys} on every frontend for the write at {@code index}; the future completes
   * when the write may be acknowledged.
   */
  public CompletableFuture<Void> invalidate(long index, Set<String> keys) {
    if (!enabled || keys.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    long now = nanoClock.getAsLong();
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (Channel c : channels.values()) {
      if (c.silentFor(now) > leaseNanos) {
        expire(c);
      } else {
        waits.add(c.enqueue(index, keys));
      }
    }
    long graceLeftNanos = startedAtNanos + leaseNanos - now;
    if (graceLeftNanos > 0) {
      CompletableFuture<Void> grace = new CompletableFuture<>();
      scheduler.schedule(() -> grace.complete(null), graceLeftNanos, TimeUnit.NANOSECONDS);
      waits.add(grace);
    }
    return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
  }

  /** For the benchmark's measurement of invalidation cost only. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  /** Frontends currently holding a lease here, for status pages. */
  public Collection<Frontend> frontends() {
    return channels.values().stream().map(c -> c.target).toList();
  }

  private void expireSilentFrontends() {
    long now = nanoClock.getAsLong();
    for (Channel c : channels.values()) {
      if (c.silentFor(now) > leaseNanos) {
        expire(c);
      }
    }
  }

  private void expire(Channel c) {
    if (channels.remove(c.target.name(), c)) {
      LOG.info("frontend {} silent for a whole lease; no longer waiting for it", c.target.name());
    }
    c.release("lease expired");
  }

  @Override
  public void close() {
    for (Channel c : channels.values()) {
      c.release("replica closing");
    }
    channels.clear();
  }

  /** One frontend's queue of invalidations. All mutable state is guarded by {@code this}. */
  private final class Channel {
    final Frontend target;
    volatile long lastHeardNanos;
    private final LinkedHashSet<String> pendingKeys = new LinkedHashSet<>();
    private boolean pendingFlushAll;
    private long pendingMaxIndex;
    private boolean inFlight;
    private boolean released;
    private long ackedIndex;
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();

    Channel(Frontend target, long now) {
      this.target = target;
      this.lastHeardNanos = now;
    }

    long silentFor(long now) {
      return now - lastHeardNanos;
    }

    CompletableFuture<Void> enqueue(long index, Set<String> keys) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      boolean send;
      synchronized (this) {
        if (released) {
          return CompletableFuture.completedFuture(null);
        }
        // Indexes arrive in increasing order from the single apply thread; an ack for index j covers
        // every key enqueued with an index up to j only because of that.
        assert index > pendingMaxIndex && index > ackedIndex : index + " after " + pendingMaxIndex;
        if (!pendingFlushAll) {
          pendingKeys.addAll(keys);
          if (pendingKeys.size() > maxKeysPerBatch) {
            // A backlog this large is cheaper to send as "flush everything".
            pendingKeys.clear();
            pendingFlushAll = true;
          }
        }
        pendingMaxIndex = Math.max(pendingMaxIndex, index);
        waiters.computeIfAbsent(index, i -> new ArrayList<>(1)).add(done);
        send = !inFlight;
        if (send) {
          inFlight = true;
        }
      }
      if (send) {
        sendNext();
      }
      return done;
    }

    private void sendNext() {
      Set<String> keys;
      boolean flushAll;
      long index;
      synchronized (this) {
        if (released || pendingMaxIndex <= ackedIndex && pendingKeys.isEmpty() && !pendingFlushAll) {
          inFlight = false;
          return;
        }
        keys = Set.copyOf(pendingKeys);
        flushAll = pendingFlushAll;
        index = pendingMaxIndex;
        pendingKeys.clear();
        pendingFlushAll = false;
      }
      sender.send(target, index, keys, flushAll).whenComplete((result, error) ->
          onResult(error == null ? result : SendResult.FAILED, index, keys, flushAll));
    }

    private void onResult(SendResult result, long index, Set<String> keys, boolean flushAll) {
      switch (result) {
        case ACKED -> {
          List<CompletableFuture<Void>> done = new ArrayList<>();
          synchronized (this) {
            ackedIndex = Math.max(ackedIndex, index);
            var acked = waiters.headMap(ackedIndex, true);
            acked.values().forEach(done::addAll);
            acked.clear();
          }
          done.forEach(f -> f.complete(null));
          sendNext();
        }
        case GONE -> {
          channels.remove(target.name(), this);
          release("gone");
        }
        case FAILED -> {
          synchronized (this) {
            // Put the batch back so the retry carries it.
            if (flushAll) {
              pendingFlushAll = true;
              pendingKeys.clear();
            } else if (!pendingFlushAll) {
              pendingKeys.addAll(keys);
            }
            pendingMaxIndex = Math.max(pendingMaxIndex, index);
          }
          if (silentFor(nanoClock.getAsLong()) > leaseNanos) {
            expire(this);
          } else {
            scheduler.schedule(this::sendNext, retryDelayMillis, TimeUnit.MILLISECONDS);
          }
        }
      }
    }

    /** Stops waiting for this frontend: every pending write may be acknowledged. */
    void release(String why) {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
        waiters.values().forEach(done::addAll);
        waiters.clear();
        pendingKeys.clear();
      }
      if (!done.isEmpty()) {
        LOG.info("released {} pending invalidations for frontend {}: {}", done.size(), target.name(), why);
      }
      done.forEach(f -> f.complete(null));
    }
  }
}
