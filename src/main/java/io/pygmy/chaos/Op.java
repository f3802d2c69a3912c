package io.pygmy.chaos;

import java.util.List;

/**
 * One client operation as the history records it: what was asked, when it was invoked and when it
 * completed (harness-relative nanoseconds, one clock), and what came of it.
 *
 * <p>{@code completeNanos} is {@link #NEVER} when the outcome is {@link Outcome#UNKNOWN}: the store may
 * act on such a write at any later time. {@code amount} is the quantity of a buy, the delta of a
 * restock, or the new cost of a set-cost. Writes carry the idempotency key they were sent (and retried)
 * with, so the store can be asked about them afterwards.
 */
public record Op(long id, int process, Kind kind, int item, String key, long amount, long invokeNanos,
                 long completeNanos, Outcome outcome, OrderAck order, Long stockAfter, List<Observation> observed,
                 List<Attempt> attempts, String error) {
  public static final long NEVER = Long.MAX_VALUE;

  public enum Kind {
    BUY, RESTOCK, SET_COST, LOOKUP, SEARCH;

    public boolean write() {
      return this == BUY || this == RESTOCK || this == SET_COST;
    }
  }

  public enum Outcome {
    /** The store answered and the answer is definite (an out-of-stock buy is OK with a REJECTED order). */
    OK,
    /** The store answered with a definite refusal: nothing happened. */
    FAILED,
    /** No definite answer (timeouts, 503s until the client gave up): it may or may not have happened. */
    UNKNOWN
  }

  /** The order an acknowledged buy returned: its id and CONFIRMED (stock taken) or REJECTED. */
  public record OrderAck(long id, String status) {
    public boolean confirmed() {
      return "CONFIRMED".equals(status);
    }
  }

  /** One book as a read showed it. */
  public record Observation(int item, long stock, long cost) {}

  /** One try of a (possibly retried) call: when, to which frontend, and the HTTP status (-1: no answer). */
  public record Attempt(long startNanos, long endNanos, String frontend, int status, String code, Long orderId) {}

  public Op {
    observed = observed == null ? List.of() : List.copyOf(observed);
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
    if (outcome == Outcome.UNKNOWN && completeNanos != NEVER || outcome != Outcome.UNKNOWN && completeNanos < invokeNanos) {
      throw new IllegalArgumentException("op " + id + ": completion does not match outcome " + outcome);
    }
  }

  public boolean ok() {
    return outcome == Outcome.OK;
  }

  /** The stock a read showed for {@code item}, or null when it did not show it. */
  public Observation observation(int forItem) {
    for (Observation o : observed) {
      if (o.item() == forItem) {
        return o;
      }
    }
    return null;
  }

  /** Whether this operation touched {@code forItem} (a search touches every book it showed). */
  public boolean concerns(int forItem) {
    return item == forItem || observation(forItem) != null;
  }

  public String brief() {
    String when = String.format(java.util.Locale.ROOT, "[%.3f..%s]", invokeNanos / 1e9,
        completeNanos == NEVER ? "?" : String.format(java.util.Locale.ROOT, "%.3f", completeNanos / 1e9));
    StringBuilder b = new StringBuilder().append('#').append(id).append(" p").append(process).append(' ')
        .append(kind).append(' ').append(when).append(' ').append(outcome);
    if (kind.write()) {
      b.append(" item=").append(item).append(" amount=").append(amount).append(" key=").append(key);
    }
    if (order != null) {
      b.append(" order=").append(order.id()).append('/').append(order.status());
    }
    if (stockAfter != null) {
      b.append(" stockAfter=").append(stockAfter);
    }
    for (Observation o : observed) {
      b.append(" [item ").append(o.item()).append(" stock=").append(o.stock()).append(" cost=").append(o.cost()).append(']');
    }
    if (error != null) {
      b.append(" error=").append(error);
    }
    return b.toString();
  }
}
