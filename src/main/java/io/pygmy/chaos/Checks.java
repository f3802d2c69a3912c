package io.pygmy.chaos;

import io.pygmy.chaos.Effects.Effect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The guarantees the store makes, checked on a history and the store's final state. Every check is a
 * pure function: no I/O, no clock, so each is unit-tested with histories that do and do not break it.
 */
public final class Checks {
  public static final String CONSERVATION = "stock-conservation";
  public static final String ORDERS = "orders-exactly-once";
  public static final String CONVERGENCE = "convergence";
  public static final String STALE_READ = "no-stale-read";
  public static final String LINEARIZABLE = "linearizable-stock";

  private Checks() {}

  /** Runs all five checks. */
  public static List<Violation> all(List<Op> history, StoreState state) {
    List<Violation> out = new ArrayList<>();
    out.addAll(conservation(history, state));
    out.addAll(orders(history, state));
    out.addAll(convergence(state));
    out.addAll(staleReads(history, state));
    out.addAll(Linearizability.check(history, state).violations());
    return out;
  }

  // ---------------------------------------------------------------- 1. conservation

  /**
   * On every catalog replica, for every book: initial + restocked - sold = final, where restocked and
   * sold are the writes that took effect (acknowledged, or unknown and found by key). And no client
   * ever saw a negative stock.
   */
  public static List<Violation> conservation(List<Op> history, StoreState state) {
    List<Violation> out = new ArrayList<>();
    Map<Integer, List<Effect>> effects = Effects.byItem(history, state);
    for (StoreState.Book book : state.initial().values()) {
      List<Effect> writes = effects.getOrDefault(book.id(), List.of());
      long restocked = writes.stream().filter(e -> e.stockDelta() > 0).mapToLong(Effect::stockDelta).sum();
      long sold = -writes.stream().filter(e -> e.stockDelta() < 0).mapToLong(Effect::stockDelta).sum();
      long expected = book.stock() + restocked - sold;
      for (var replica : new TreeMap<>(state.booksByReplica()).entrySet()) {
        StoreState.Book end = replica.getValue().get(book.id());
        if (end == null || end.stock() != expected || end.stock() < 0) {
          out.add(new Violation(CONSERVATION, String.format(java.util.Locale.ROOT,
              "item %d on %s: initial %d + restocked %d - sold %d = %d, but the replica holds %s", book.id(),
              replica.getKey(), book.stock(), restocked, sold, expected, end == null ? "no such book" : end.stock()),
              writes.stream().map(Effect::op).toList()));
        }
      }
    }
    for (Op op : history) {
      for (Op.Observation o : op.observed()) {
        if (o.stock() < 0) {
          out.add(new Violation(CONSERVATION, "a client saw a negative stock of item " + o.item(), List.of(op)));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- 2. orders

  /**
   * Every acknowledged buy has its order, exactly once, with the acknowledged id and status; a key
   * names at most one order (also across the retries of one buy); every reservation the catalog made
   * has exactly one order and every order one reservation; every order belongs to a buy of this
   * history; an unknown buy is settled by the store either way, never half (reservation without order).
   * Acknowledged restocks are remembered by the catalog as applied.
   */
  public static List<Violation> orders(List<Op> history, StoreState state) {
    List<Violation> out = new ArrayList<>();
    Map<String, Op> buys = new HashMap<>();
    Map<String, Op> updates = new HashMap<>();
    for (Op op : history) {
      if (op.kind() == Op.Kind.BUY) {
        if (buys.put(op.key(), op) != null) {
          out.add(new Violation(ORDERS, "the harness reused key " + op.key(), List.of(op)));
        }
      } else if (op.kind() == Op.Kind.RESTOCK || op.kind() == Op.Kind.SET_COST) {
        updates.put(op.key(), op);
      }
    }
    Map<String, StoreState.Order> orderByKey = new HashMap<>();
    Set<Long> ids = new HashSet<>();
    for (StoreState.Order o : state.orders()) {
      if (orderByKey.put(o.key(), o) != null) {
        out.add(new Violation(ORDERS, "key " + o.key() + " names two orders", slice(buys, o.key())));
      }
      if (!ids.add(o.id())) {
        out.add(new Violation(ORDERS, "order id " + o.id() + " appears twice", slice(buys, o.key())));
      }
      if (!buys.containsKey(o.key())) {
        out.add(new Violation(ORDERS, "order " + o.id() + " (key " + o.key() + ") belongs to no buy of the history",
            List.of()));
      }
      StoreState.Reservation r = state.reservations().get(o.key());
      if (r == null || r.reserved() != o.confirmed() || r.item() != o.item() || r.quantity() != o.quantity()) {
        out.add(new Violation(ORDERS, "order " + o.id() + " " + o.status() + " does not match the catalog's reservation "
            + r, slice(buys, o.key())));
      }
    }
    for (StoreState.Reservation r : state.reservations().values()) {
      if (!orderByKey.containsKey(r.key())) {
        out.add(new Violation(ORDERS, "reservation " + r.seq() + " (key " + r.key() + ", " + r.status()
            + ") has no order: a half-done buy", slice(buys, r.key())));
      }
    }
    for (Op op : buys.values()) {
      out.addAll(buyAgrees(op, orderByKey.get(op.key())));
    }
    for (Op op : updates.values()) {
      StoreState.Update u = state.updates().get(op.key());
      if (op.ok() && (u == null || !u.ok() || u.item() != op.item())) {
        out.add(new Violation(ORDERS, "acknowledged " + op.kind() + " " + op.key() + " is not applied in the catalog: "
            + u, List.of(op)));
      } else if (op.ok() && op.stockAfter() != null && !Objects.equals(op.stockAfter(), u.stockAfter())) {
        out.add(new Violation(ORDERS, "acknowledged " + op.kind() + " " + op.key() + " answered stock "
            + op.stockAfter() + " but the catalog remembers " + u.stockAfter(), List.of(op)));
      } else if (op.outcome() == Op.Outcome.FAILED && u != null && u.ok()) {
        out.add(new Violation(ORDERS, op.kind() + " " + op.key() + " was refused but took effect", List.of(op)));
      }
    }
    return out;
  }

  private static List<Violation> buyAgrees(Op op, StoreState.Order order) {
    List<Violation> out = new ArrayList<>();
    Set<Long> seen = op.attempts().stream().map(Op.Attempt::orderId).filter(Objects::nonNull)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    if (op.order() != null) {
      seen.add(op.order().id());
    }
    if (seen.size() > 1) {
      out.add(new Violation(ORDERS, "key " + op.key() + " was answered with orders " + seen, List.of(op)));
    }
    if (op.ok() && op.order() != null) {
      if (order == null) {
        out.add(new Violation(ORDERS, "acknowledged order " + op.order().id() + " does not exist", List.of(op)));
      } else if (order.id() != op.order().id() || !order.status().equals(op.order().status())
          || order.item() != op.item() || order.quantity() != op.amount()) {
        out.add(new Violation(ORDERS, "acknowledged order " + op.order().id() + " " + op.order().status()
            + " is stored as " + order, List.of(op)));
      }
    }
    if (op.outcome() == Op.Outcome.FAILED && order != null) {
      out.add(new Violation(ORDERS, "buy " + op.key() + " was refused but has order " + order.id(), List.of(op)));
    }
    return out;
  }

  private static List<Op> slice(Map<String, Op> byKey, String key) {
    Op op = byKey.get(key);
    return op == null ? List.of() : List.of(op);
  }

  // ---------------------------------------------------------------- 3. convergence

  /** All replicas of each group report the same state digest, and the catalog replicas the same books. */
  public static List<Violation> convergence(StoreState state) {
    List<Violation> out = new ArrayList<>();
    for (var group : new TreeMap<>(state.digests()).entrySet()) {
      Collection<String> values = group.getValue().values();
      if (new HashSet<>(values).size() != 1) {
        out.add(new Violation(CONVERGENCE, group.getKey() + " replicas disagree: " + new TreeMap<>(group.getValue()),
            List.of()));
      }
    }
    if (new HashSet<>(state.booksByReplica().values()).size() > 1) {
      out.add(new Violation(CONVERGENCE, "catalog replicas hold different books: "
          + new TreeMap<>(state.booksByReplica()), List.of()));
    }
    return out;
  }

  // ---------------------------------------------------------------- 4. stale reads

  /**
   * A read that started after a write to its item was acknowledged reflects that write, through the
   * cache or not. For stock: the writes linearized before the read include every write acknowledged
   * before it started and exclude every write invoked after it ended, so the stock it shows lies in
   * [initial + restocks(acked) - sales(possible), initial + restocks(possible) - sales(acked)]. For
   * cost: the cost shown was set by a write that could precede the read and that no write acknowledged
   * before the read had overwritten (one that started after it ended).
   */
  public static List<Violation> staleReads(List<Op> history, StoreState state) {
    List<Violation> out = new ArrayList<>();
    Map<Integer, List<Effect>> effects = Effects.byItem(history, state);
    for (Op read : history) {
      if (read.kind().write() || !read.ok()) {
        continue;
      }
      for (Op.Observation seen : read.observed()) {
        StoreState.Book initial = state.initial().get(seen.item());
        if (initial == null) {
          continue;
        }
        List<Effect> writes = effects.getOrDefault(seen.item(), List.of());
        String stale = staleStock(read, seen, initial, writes);
        if (stale == null) {
          stale = staleCost(read, seen, initial, writes);
        }
        if (stale != null) {
          List<Op> slice = new ArrayList<>();
          for (Effect e : writes) {
            if (e.invokeNanos() < read.completeNanos() && e.completeNanos() > read.invokeNanos() - 2_000_000_000L) {
              slice.add(e.op());
            }
          }
          slice.add(read);
          out.add(new Violation(STALE_READ, stale, slice));
        }
      }
    }
    return out;
  }

  private static String staleStock(Op read, Op.Observation seen, StoreState.Book initial, List<Effect> writes) {
    long low = initial.stock();
    long high = initial.stock();
    for (Effect e : writes) {
      boolean before = e.completeNanos() < read.invokeNanos();
      boolean possible = e.invokeNanos() < read.completeNanos();
      if (e.stockDelta() > 0) {
        low += before ? e.stockDelta() : 0;
        high += possible ? e.stockDelta() : 0;
      } else if (e.stockDelta() < 0) {
        low += possible ? e.stockDelta() : 0;
        high += before ? e.stockDelta() : 0;
      }
    }
    if (seen.stock() < low || seen.stock() > high) {
      return String.format(java.util.Locale.ROOT, "read #%d showed stock %d of item %d; the writes acknowledged "
          + "before it and those possible during it allow only %d..%d", read.id(), seen.stock(), seen.item(), low, high);
    }
    return null;
  }

  private static String staleCost(Op read, Op.Observation seen, StoreState.Book initial, List<Effect> writes) {
    List<Effect> costs = writes.stream().filter(e -> e.cost() != null).toList();
    boolean initialVisible = costs.stream().noneMatch(w -> w.completeNanos() < read.invokeNanos());
    if (initialVisible && seen.cost() == initial.cost()) {
      return null;
    }
    for (Effect w : costs) {
      if (w.cost() != seen.cost() || w.invokeNanos() >= read.completeNanos()) {
        continue;
      }
      boolean overwritten = costs.stream().anyMatch(later -> later != w && later.invokeNanos() > w.completeNanos()
          && later.completeNanos() < read.invokeNanos());
      if (!overwritten) {
        return null;
      }
    }
    return "read #" + read.id() + " showed cost " + seen.cost() + " of item " + seen.item()
        + ", which no write visible to it had set";
  }
}
