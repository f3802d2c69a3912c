package io.pygmy.order;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: items submitted while earlier batches are being committed wait, and go together in the
 * next batch. An item that finds a commit slot free goes at once, alone (no timer, so no latency added
 * when the store is quiet); under load a batch holds what arrived during the commits before it, up to
 * {@code maxBatch}, and at most {@code maxInFlight} batches are committed at a time. With a linger, a
 * batch that has a slot waits that long for more items first (for work nobody waits on).
 *
 * <p>Every limit is explicit: at most {@code maxWaiting} items wait ({@link #offer} refuses beyond), at
 * most {@code maxInFlight} commits run. The commit function must settle every item of its batch itself,
 * also when it fails; items still waiting when this closes are handed to {@code abandon}.
 */
final class GroupCommit<T> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private final String name;
  private final int maxBatch;
  private final long lingerMillis;
  private final Semaphore commitSlots;
  private final BlockingQueue<T> waiting;
  private final Consumer<List<T>> commit;
  private final Consumer<List<T>> abandon;
  private final Thread dispatcher;
  private volatile boolean closed;

  GroupCommit(String name, int maxBatch, int maxInFlight, int maxWaiting, Consumer<List<T>> commit,
              Consumer<List<T>> abandon) {
    this(name, maxBatch, maxInFlight, maxWaiting, 0, commit, abandon);
  }

  GroupCommit(String name, int maxBatch, int maxInFlight, int maxWaiting, long lingerMillis,
              Consumer<List<T>> commit, Consumer<List<T>> abandon) {
    if (maxBatch < 1 || maxInFlight < 1 || maxWaiting < 1 || lingerMillis < 0) {
      throw new IllegalArgumentException("batch size, commits in flight and waiting items must be positive, "
          + "the linger not negative");
    }
    this.name = name;
    this.maxBatch = maxBatch;
    this.lingerMillis = lingerMillis;
    this.commitSlots = new Semaphore(maxInFlight);
    this.waiting = new ArrayBlockingQueue<>(maxWaiting);
    this.commit = commit;
    this.abandon = abandon;
    this.dispatcher = Thread.ofPlatform().daemon().name(name + "-dispatcher").start(this::dispatch);
  }

  /** Queues an item for the next batch; false when {@code maxWaiting} items wait already, or when closed. */
  boolean offer(T item) {
    if (closed || !waiting.offer(item)) {
      return false;
    }
    if (closed) {
      abandonWaiting(); // close() may have drained before this item arrived
    }
    return true;
  }

  /** Items waiting for a batch (not counting the one the dispatcher holds while it waits for a slot). */
  int waiting() {
    return waiting.size();
  }

  private void dispatch() {
    T first = null;
    try {
      while (!closed) {
        first = waiting.take();
        // While every slot is busy, items keep arriving; they all join this batch.
        commitSlots.acquire();
        if (lingerMillis > 0 && waiting.size() + 1 < maxBatch) {
          Thread.sleep(lingerMillis);
        }
        List<T> batch = new ArrayList<>(Math.min(maxBatch, waiting.size() + 1));
        batch.add(first);
        first = null;
        waiting.drainTo(batch, maxBatch - 1);
        assert batch.size() <= maxBatch;
        Thread.ofVirtual().name(name + "-commit").start(() -> {
          try {
            commit.accept(batch);
          } catch (RuntimeException | Error e) {
            LOG.error("{}: a commit of {} items failed without settling them", name, batch.size(), e);
          } finally {
            commitSlots.release();
          }
        });
      }
    } catch (InterruptedException e) {
      if (first != null) { // taken, but closing came before a commit slot
        abandon.accept(List.of(first));
      }
    }
  }

  private void abandonWaiting() {
    List<T> left = new ArrayList<>();
    waiting.drainTo(left);
    if (!left.isEmpty()) {
      abandon.accept(left);
    }
  }

  /** Stops taking batches; items still waiting are abandoned. Commits in flight finish on their own. */
  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    try {
      dispatcher.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    abandonWaiting();
  }
}
