package io.pygmy.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small hand-written histories and store states for the checker tests. Times are in milliseconds. */
final class Histories {
  static final long MS = 1_000_000L;

  private Histories() {}

  static Op buy(long id, int item, int quantity, long from, long to, String status, long orderId) {
    return new Op(id, 1, Op.Kind.BUY, item, "k" + id, quantity, from * MS, to * MS, Op.Outcome.OK,
        new Op.OrderAck(orderId, status), null, null, List.of(), null);
  }

  static Op unknownBuy(long id, int item, int quantity, long from) {
    return new Op(id, 1, Op.Kind.BUY, item, "k" + id, quantity, from * MS, Op.NEVER, Op.Outcome.UNKNOWN, null, null,
        null, List.of(), "timeout");
  }

  static Op restock(long id, int item, long delta, long from, long to, long stockAfter) {
    return new Op(id, 0, Op.Kind.RESTOCK, item, "k" + id, delta, from * MS, to * MS, Op.Outcome.OK, null, stockAfter,
        null, List.of(), null);
  }

  static Op setCost(long id, int item, long cost, long from, long to) {
    return new Op(id, 0, Op.Kind.SET_COST, item, "k" + id, cost, from * MS, to * MS, Op.Outcome.OK, null, null, null,
        List.of(), null);
  }

  static Op read(long id, int item, long stock, long cost, long from, long to) {
    return new Op(id, 2, Op.Kind.LOOKUP, item, null, 0, from * MS, to * MS, Op.Outcome.OK, null, null,
        List.of(new Op.Observation(item, stock, cost)), List.of(), null);
  }

  /**
   * The store as it would be after {@code history} if it did exactly what the history says: one book
   * per id with {@code initialStock} and cost 100, three replicas at {@code finalStock}, a reservation
   * and an order for every buy that took effect ({@code applied} lists the unknown buys that did), and
   * a remembered update for every acknowledged restock or cost change.
   */
  static Builder store(long initialStock, long finalStock, List<Op> history, Op... appliedUnknowns) {
    return new Builder(initialStock, finalStock, history, List.of(appliedUnknowns));
  }

  static final class Builder {
    final Map<Integer, StoreState.Book> initial = new HashMap<>();
    final Map<String, Map<Integer, StoreState.Book>> books = new LinkedHashMap<>();
    final Map<String, StoreState.Reservation> reservations = new HashMap<>();
    final List<StoreState.Order> orders = new ArrayList<>();
    final Map<String, StoreState.Update> updates = new HashMap<>();
    final Map<String, Map<String, String>> digests = new LinkedHashMap<>();

    Builder(long initialStock, long finalStock, List<Op> history, List<Op> appliedUnknowns) {
      initial.put(1, new StoreState.Book(1, initialStock, 100));
      long seq = 0;
      for (Op op : history) {
        boolean unknownApplied = appliedUnknowns.contains(op);
        if (op.kind() == Op.Kind.BUY && (op.ok() || unknownApplied)) {
          String status = op.ok() ? op.order().status() : "CONFIRMED";
          long id = op.ok() ? op.order().id() : 1000 + op.id();
          reservations.put(op.key(), new StoreState.Reservation(++seq, op.key(), op.item(), (int) op.amount(),
              status.equals("CONFIRMED") ? "RESERVED" : "OUT_OF_STOCK"));
          orders.add(new StoreState.Order(id, op.key(), op.item(), (int) op.amount(), status));
        } else if (op.kind() == Op.Kind.RESTOCK && op.ok()) {
          updates.put(op.key(), new StoreState.Update(op.key(), op.item(), op.amount(), null, true, op.stockAfter()));
        } else if (op.kind() == Op.Kind.SET_COST && op.ok()) {
          updates.put(op.key(), new StoreState.Update(op.key(), op.item(), 0, op.amount(), true, null));
        }
      }
      for (String r : List.of("catalog-1", "catalog-2", "catalog-3")) {
        books.put(r, new HashMap<>(Map.of(1, new StoreState.Book(1, finalStock, 100))));
      }
      digests.put("catalog", new LinkedHashMap<>(Map.of("catalog-1", "a", "catalog-2", "a", "catalog-3", "a")));
      digests.put("order", new LinkedHashMap<>(Map.of("order-1", "b", "order-2", "b", "order-3", "b")));
    }

    Builder replicaStock(String replica, long stock) {
      books.get(replica).put(1, new StoreState.Book(1, stock, 100));
      return this;
    }

    StoreState build() {
      return new StoreState(initial, books, reservations, orders, updates, digests);
    }
  }
}
