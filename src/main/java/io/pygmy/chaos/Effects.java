package io.pygmy.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every write of the history with its effect, as the store decided it: an acknowledged write by its
 * answer, an unknown one by asking the store for its key afterwards ({@link StoreState}). Pure.
 */
final class Effects {
  /** One write that took effect. {@code completeNanos} is {@link Op#NEVER} when the client never learnt it. */
  record Effect(Op op, boolean acked, long invokeNanos, long completeNanos, long stockDelta, boolean rejectedBuy,
                int quantity, Long stockAfter, Long cost) {
    boolean changesStock() {
      return stockDelta != 0;
    }
  }

  /** What became of the writes whose outcome the client did not learn. */
  record UnknownTally(int applied, int notApplied) {}

  private Effects() {}

  /** The writes that took effect, per item, in invocation order. */
  static Map<Integer, List<Effect>> byItem(List<Op> history, StoreState state) {
    Map<Integer, List<Effect>> out = new TreeMap<>();
    for (Op op : history) {
      Effect e = effect(op, state);
      if (e != null) {
        out.computeIfAbsent(op.item(), i -> new ArrayList<>()).add(e);
      }
    }
    out.values().forEach(l -> l.sort(Comparator.comparingLong(Effect::invokeNanos)));
    return out;
  }

  /** The effect of one write, or null when it did not take effect (or is not a write). */
  static Effect effect(Op op, StoreState state) {
    if (!op.kind().write()) {
      return null;
    }
    long complete = op.ok() ? op.completeNanos() : Op.NEVER;
    if (op.kind() == Op.Kind.BUY) {
      StoreState.Reservation r = state.reservations().get(op.key());
      if (r != null) {
        return new Effect(op, op.ok(), op.invokeNanos(), complete, r.reserved() ? -r.quantity() : 0, !r.reserved(),
            r.quantity(), null, null);
      }
      if (op.ok() && op.order() != null) {
        boolean confirmed = op.order().confirmed();
        return new Effect(op, true, op.invokeNanos(), complete, confirmed ? -op.amount() : 0, !confirmed,
            (int) op.amount(), null, null);
      }
      return null;
    }
    StoreState.Update u = state.updates().get(op.key());
    if (u != null) {
      if (!u.ok()) {
        return null;
      }
      return new Effect(op, op.ok(), op.invokeNanos(), complete, u.stockDelta(), false, 0, u.stockAfter(), u.cost());
    }
    if (op.ok()) {
      boolean restock = op.kind() == Op.Kind.RESTOCK;
      return new Effect(op, true, op.invokeNanos(), complete, restock ? op.amount() : 0, false, 0, op.stockAfter(),
          restock ? null : op.amount());
    }
    return null;
  }

  static UnknownTally unknowns(List<Op> history, StoreState state) {
    int applied = 0;
    int notApplied = 0;
    for (Op op : history) {
      if (op.kind().write() && op.outcome() == Op.Outcome.UNKNOWN) {
        if (effect(op, state) != null) {
          applied++;
        } else {
          notApplied++;
        }
      }
    }
    return new UnknownTally(applied, notApplied);
  }
}
