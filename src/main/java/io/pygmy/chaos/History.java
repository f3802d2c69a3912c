package io.pygmy.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The record of a run: every client operation and every fault, on one clock (nanoseconds since the
 * history began). Thread-safe; clients and the nemesis append concurrently.
 */
final class History {
  /** One fault action: what the nemesis did, to which node, when. */
  record Event(long atNanos, String action, String node, String detail) {}

  private final long originNanos = System.nanoTime();
  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

  long now() {
    return System.nanoTime() - originNanos;
  }

  long nextId() {
    return ids.incrementAndGet();
  }

  void add(Op op) {
    ops.add(op);
  }

  void event(String action, String node, String detail) {
    events.add(new Event(now(), action, node, detail));
  }

  /** The operations so far, by invocation time. */
  List<Op> ops() {
    List<Op> out = new ArrayList<>(ops);
    out.sort(Comparator.comparingLong(Op::invokeNanos).thenComparingLong(Op::id));
    return out;
  }

  List<Event> events() {
    List<Event> out = new ArrayList<>(events);
    out.sort(Comparator.comparingLong(Event::atNanos));
    return out;
  }
}
