package io.pygmy.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** What one call sent: the frontend channels it went to, and a future completing when all acknowledged. */
  public record Sent(Set<?> channels, CompletableFuture<Void> acked) {}

  /**
   * Invalidates {@code keys} on every frontend for the write at {@code index}; the future completes
   * when the write may be acknowledged.
   */
  public CompletableFuture<Void> invalidate(long index, Set<String> keys) {
    return send(index, keys, Set.of()).acked();
  }

  /**
   * Invalidates {@code keys} for the write at {@code index} on every frontend except those {@code skip}
   * names (channels an earlier {@link Sent} already covered). A frontend that restarted or was forgotten
   * since has a new channel, so it is not skipped. Indexes need not arrive in order: a frontend keeps
   * the highest index per key, and a batch carries the highest index of what it merges, which only
   * makes the frontend refuse more fills.
   */
  public Sent send(long index, Set<String> keys, Set<?> skip) {
    if (!enabled || keys.isEmpty()) {
      return new Sent(Set.of(), CompletableFuture.completedFuture(null));
    }
    long now = nanoClock.getAsLong();
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    Set<Channel> sentTo = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Channel c : channels.values()) {
      if (skip.contains(c)) {
        continue;
      }
      if (c.silentFor(now) > leaseNanos) {
        expire(c);
      } else {
        waits.add(c.enqueue(index, keys));
        sentTo.add(c);
      }
    }
    long graceLeftNanos = startedAtNanos + leaseNanos - now;
    if (graceLeftNanos > 0) {
      CompletableFuture<Void> grace = new CompletableFuture<>();
      scheduler.schedule(() -> grace.complete(null), graceLeftNanos, TimeUnit.NANOSECONDS);
      waits.add(grace);
    }
    return new Sent(Collections.unmodifiableSet(sentTo), CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)));
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

  /**
   * One frontend's queue of invalidations, with at most one batch in flight. All mutable state is
   * guarded by {@code this}. A write waits for the batch that carries its keys: keys enqueued while a
   * batch is in flight go in the next one, whatever their index.
   */
  private final class Channel {
    final Frontend target;
    volatile long lastHeardNanos;
    private final LinkedHashSet<String> pendingKeys = new LinkedHashSet<>();
    private boolean pendingFlushAll;
    private long pendingMaxIndex;
    private List<CompletableFuture<Void>> pendingWaiters = new ArrayList<>();
    private List<CompletableFuture<Void>> inFlightWaiters = new ArrayList<>();
    private boolean inFlight;
    private boolean released;

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
        if (!pendingFlushAll) {
          pendingKeys.addAll(keys);
          if (pendingKeys.size() > maxKeysPerBatch) {
            // A backlog this large is cheaper to send as "flush everything".
            pendingKeys.clear();
            pendingFlushAll = true;
          }
        }
        pendingMaxIndex = Math.max(pendingMaxIndex, index);
        pendingWaiters.add(done);
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
        if (released || pendingKeys.isEmpty() && !pendingFlushAll) {
          assert released || pendingWaiters.isEmpty() : "waiters without keys for " + target.name();
          inFlight = false;
          return;
        }
        keys = Set.copyOf(pendingKeys);
        flushAll = pendingFlushAll;
        index = pendingMaxIndex;
        pendingKeys.clear();
        pendingFlushAll = false;
        pendingMaxIndex = 0;
        assert inFlightWaiters.isEmpty() : "a second batch in flight to " + target.name();
        List<CompletableFuture<Void>> riding = pendingWaiters;
        pendingWaiters = inFlightWaiters;
        inFlightWaiters = riding;
      }
      sender.send(target, index, keys, flushAll).whenComplete((result, error) ->
          onResult(error == null ? result : SendResult.FAILED, index, keys, flushAll));
    }

    private void onResult(SendResult result, long index, Set<String> keys, boolean flushAll) {
      switch (result) {
        case ACKED -> {
          List<CompletableFuture<Void>> done;
          synchronized (this) {
            done = inFlightWaiters;
            inFlightWaiters = new ArrayList<>();
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
            // Put the batch, and those waiting for it, back so the retry carries them.
            if (flushAll) {
              pendingFlushAll = true;
              pendingKeys.clear();
            } else if (!pendingFlushAll) {
              pendingKeys.addAll(keys);
            }
            pendingMaxIndex = Math.max(pendingMaxIndex, index);
            pendingWaiters.addAll(inFlightWaiters);
            inFlightWaiters.clear();
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
        done.addAll(pendingWaiters);
        done.addAll(inFlightWaiters);
        pendingWaiters.clear();
        inFlightWaiters.clear();
        pendingKeys.clear();
      }
      if (!done.isEmpty()) {
        LOG.info("released {} pending invalidations for frontend {}: {}", done.size(), target.name(), why);
      }
      done.forEach(f -> f.complete(null));
    }
  }
}
