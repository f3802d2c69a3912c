package io.pygmy.order;

import io.pygmy.catalog.Reservation;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import io.pygmy.storage.StagedWrites;
import io.pygmy.storage.StateHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The order history as a deterministic state machine over a key-value store: no I/O of its own, no
 * clocks, no threads. Orders are kept for ever, in the store ({@link OrderTables}), not in heap.
 *
 * <p>An order's id is the sequence number of the catalog reservation it records, so the coordinator
 * knows the id as soon as the catalog has reserved, before the order is recorded here, and every
 * replica gives the same id whatever order reservations are recorded in. Every reservation becomes
 * exactly one order: the catalog decides whether a key is still remembered, so a reservation reusing a
 * key whose window had passed there is a new order, and the key then names the newer one. The log also
 * tracks a watermark: every catalog reservation with {@code seq <= watermark} has its order here, so
 * those that finish a buy late (the reconciler, a read catching up) only need to look above it.
 */
public final class OrderLog {
  private final long keyRetentionMillis;

  public OrderLog(long keyRetentionMillis) {
    if (keyRetentionMillis <= 0) {
      throw new IllegalArgumentException("keyRetentionMillis must be positive");
    }
    this.keyRetentionMillis = keyRetentionMillis;
  }

  /** Applies one command to {@code w}: never throws for any command, valid or not. */
  public OrderReply apply(StagedWrites w, OrderCommand command) {
    Optional<String> invalid = validate(command);
    if (invalid.isPresent()) {
      return new OrderReply(OrderReply.Outcome.INVALID, invalid.get(), null, false);
    }
    OrderMeta before = OrderTables.meta(w);
    Step step = new Step(w, before);
    OrderReply reply = switch (command) {
      case OrderCommand.Record r -> step.record(r.reservation());
      case OrderCommand.RecordAll all -> {
        List<OrderReply> each = new ArrayList<>(all.reservations().size());
        for (Reservation r : all.reservations()) {
          each.add(step.record(r));
        }
        yield new OrderReply(OrderReply.Outcome.OK, each.size() + " orders", null, false, each);
      }
    };
    if (!step.meta.equals(before)) {
      OrderTables.putMeta(w, step.meta);
    }
    return reply;
  }

  /** Structural checks that need no state, the same on every replica: why a command cannot apply. */
  public static Optional<String> validate(OrderCommand command) {
    return switch (command) {
      case OrderCommand.Record r -> r.reservation() == null ? Optional.of("a record names its reservation")
          : validate(r.reservation());
      // (Null entries cannot exist: the record's List.copyOf refuses them.)
      case OrderCommand.RecordAll all -> {
        if (all.reservations().isEmpty() || all.reservations().size() > OrderCommand.RecordAll.MAX) {
          yield Optional.of("a batch holds 1.." + OrderCommand.RecordAll.MAX + " reservations");
        }
        for (Reservation r : all.reservations()) {
          Optional<String> bad = validate(r);
          if (bad.isPresent()) {
            yield bad;
          }
        }
        yield Optional.empty();
      }
    };
  }

  /** A reservation whose order cannot be computed (its total overflows) is refused, never thrown on. */
  static Optional<String> validate(Reservation r) {
    long high = Math.multiplyHigh(r.unitCost(), r.quantity());
    long low = r.unitCost() * r.quantity();
    if (high != 0 || low < 0) {
      return Optional.of("reservation " + r.seq() + ": the total of " + r.quantity() + " at " + r.unitCost()
          + " overflows");
    }
    return Optional.empty();
  }

  /** One command being applied: the batch and the meta record it will leave. */
  private static final class Step {
    private final StagedWrites w;
    private OrderMeta meta;

    Step(StagedWrites w, OrderMeta meta) {
      this.w = w;
      this.meta = meta;
    }

    OrderReply record(Reservation reservation) {
      Optional<String> invalid = validate(reservation);
      if (invalid.isPresent()) {
        return new OrderReply(OrderReply.Outcome.INVALID, invalid.get(), null, false);
      }
      Order earlier = OrderTables.order(w, reservation.seq());
      if (earlier != null) {
        if (!earlier.key().equals(reservation.key())) {
          // Keys and reservations are one-to-one in the catalog, so this cannot happen unless a bug upstream.
          return new OrderReply(OrderReply.Outcome.CONFLICT, "reservation " + reservation.seq()
              + " is recorded under key " + earlier.key() + ", not " + reservation.key(), null, false);
        }
        return new OrderReply(OrderReply.Outcome.OK, "replayed", earlier, true);
      }
      Order order = Order.of(reservation);
      OrderTables.putOrder(w, order);
      if (OrderTables.idForKey(w, order.key()) < order.id()) {
        OrderTables.putKey(w, order.key(), order.id());
      }
      long watermark = meta.watermark();
      while (OrderTables.order(w, watermark + 1) != null) {
        watermark++;
      }
      meta = new OrderMeta(meta.count() + 1, meta.confirmed() + (order.confirmed() ? 1 : 0),
          meta.rejected() + (order.confirmed() ? 0 : 1), watermark, meta.hash() + StateHash.of(canonical(order)),
          Math.max(meta.clockMillis(), order.placedAtMillis()));
      assert meta.confirmed() + meta.rejected() == meta.count() && meta.count() >= meta.watermark();
      return new OrderReply(OrderReply.Outcome.OK, order.status().name(), order, false);
    }
  }

  // ---------------------------------------------------------------- queries

  public OrderMeta meta(KeyValues kv) {
    return OrderTables.meta(kv);
  }

  public Optional<Order> byId(KeyValues kv, long id) {
    return Optional.ofNullable(id <= 0 ? null : OrderTables.order(kv, id));
  }

  /** The newest order placed with {@code key}, however old. */
  public Optional<Order> byKey(KeyValues kv, String key) {
    long id = OrderTables.idForKey(kv, key);
    return id < 0 ? Optional.empty() : byId(kv, id);
  }

  /** The order placed with {@code key} while the key is remembered: a retry of it is a replay. */
  public Optional<Order> liveByKey(KeyValues kv, String key) {
    long clock = OrderTables.meta(kv).clockMillis();
    return byKey(kv, key).filter(o -> clock - o.placedAtMillis() < keyRetentionMillis);
  }

  /** Up to {@code limit} orders with ids above {@code afterId}, in id order. */
  public List<Order> page(KeyValues kv, long afterId, int limit) {
    if (limit <= 0 || afterId == Long.MAX_VALUE) {
      return List.of();
    }
    byte[] table = OrderTables.table(OrderTables.ORDER);
    return decode(kv.scan(OrderTables.orderKey(Math.max(0, afterId) + 1), Keys.end(table), limit));
  }

  /** The newest {@code limit} orders (highest ids), newest first. */
  public List<Order> recent(KeyValues kv, int limit) {
    byte[] table = OrderTables.table(OrderTables.ORDER);
    return limit <= 0 ? List.of() : decode(kv.scan(table, Keys.end(table), limit, true));
  }

  private static List<Order> decode(List<KeyValues.Entry> rows) {
    List<Order> out = new ArrayList<>(rows.size());
    for (KeyValues.Entry e : rows) {
      out.add(OrderTables.decodeOrder(new Keys.Reader(e.key()).i64(), e.value()));
    }
    return out;
  }

  public boolean recorded(KeyValues kv, long catalogSeq) {
    return OrderTables.order(kv, catalogSeq) != null;
  }

  public String digest(KeyValues kv) {
    OrderMeta m = OrderTables.meta(kv);
    return StateHash.digest(m.count() + "|" + m.confirmed() + "|" + m.rejected() + "|" + m.watermark() + "|"
        + m.hash() + "|" + m.clockMillis());
  }

  /** Recomputes the counters and hash from the orders (a full scan): the problems found, none when whole. */
  public List<String> verify(KeyValues kv) {
    List<String> problems = new ArrayList<>();
    OrderMeta m = OrderTables.meta(kv);
    long count = 0;
    long confirmed = 0;
    long hash = 0;
    long watermark = 0;
    for (List<Order> page = page(kv, 0, 4096); !page.isEmpty();
         page = page(kv, page.get(page.size() - 1).id(), 4096)) {
      for (Order o : page) {
        count++;
        confirmed += o.confirmed() ? 1 : 0;
        hash += StateHash.of(canonical(o));
        if (o.id() == watermark + 1) {
          watermark++;
        }
        if (o.id() != o.catalogSeq()) {
          problems.add("order " + o.id() + " records reservation " + o.catalogSeq());
        }
      }
    }
    if (count != m.count() || confirmed != m.confirmed() || hash != m.hash() || watermark != m.watermark()) {
      problems.add("the orders give count " + count + ", confirmed " + confirmed + ", watermark " + watermark
          + ", hash " + hash + "; the meta record says " + m);
    }
    return problems;
  }

  static String canonical(Order o) {
    return o.id() + "|" + o.key() + "|" + o.item() + "|" + o.quantity() + "|" + o.status() + "|" + o.unitCost()
        + "|" + o.catalogSeq() + "|" + o.placedAtMillis();
  }
}
