package io.pygmy.order;

import io.pygmy.catalog.Reservation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The order history as a deterministic state machine: no I/O, no clocks, no threads.
 *
 * <p>An order's id is the sequence number of the catalog reservation it records, so the coordinator
 * knows the id as soon as the catalog has reserved, before the order is recorded here, and every
 * replica gives the same id whatever order reservations are recorded in. Each idempotency key names at
 * most one order, and each reservation is recorded at most once. The log also tracks a watermark: every
 * catalog reservation with {@code seq <= reconciledThroughSeq} has its order here, so those that
 * finish a buy late (the reconciler, a read catching up) only need to look above it.
 */
public final class OrderLog {
  /** Orders recorded above a gap in the watermark; more means reservations went missing. */
  static final int MAX_GAPS = 1_000_000;

  private final long maxOrders;
  private final TreeMap<Long, Order> byId = new TreeMap<>();
  private final HashMap<String, Order> byKey = new HashMap<>();
  private long reconciledThroughSeq;
  private long confirmed;
  private long rejected;
  /** A sum of per-order hashes: the same set of orders gives the same hash in any recording order. */
  private long hash;

  public record Snapshot(List<Order> orders) {}

  public OrderLog(long maxOrders) {
    if (maxOrders <= 0) {
      throw new IllegalArgumentException("maxOrders must be positive");
    }
    this.maxOrders = maxOrders;
  }

  public OrderReply apply(OrderCommand command) {
    Optional<String> invalid = validate(command);
    if (invalid.isPresent()) {
      return new OrderReply(OrderReply.Outcome.INVALID, invalid.get(), null, false);
    }
    return switch (command) {
      case OrderCommand.Record r -> record(r.reservation());
      case OrderCommand.RecordAll all -> {
        List<OrderReply> each = new ArrayList<>(all.reservations().size());
        for (Reservation r : all.reservations()) {
          each.add(record(r));
        }
        yield new OrderReply(OrderReply.Outcome.OK, each.size() + " orders", null, false, each);
      }
    };
  }

  /** Structural checks that need no state, the same on every replica: why a command cannot apply. */
  public static Optional<String> validate(OrderCommand command) {
    return switch (command) {
      case OrderCommand.Record r -> r.reservation() == null ? Optional.of("a record names its reservation")
          : Optional.empty();
      // (Null entries cannot exist: the record's List.copyOf refuses them.)
      case OrderCommand.RecordAll all -> all.reservations().isEmpty()
          || all.reservations().size() > OrderCommand.RecordAll.MAX
          ? Optional.of("a batch holds 1.." + OrderCommand.RecordAll.MAX + " reservations") : Optional.empty();
    };
  }

  private OrderReply record(Reservation reservation) {
    Order earlier = byKey.get(reservation.key());
    if (earlier != null) {
      if (earlier.catalogSeq() != reservation.seq()) {
        return new OrderReply(OrderReply.Outcome.CONFLICT, "key " + reservation.key() + " names order "
            + earlier.id() + " of reservation " + earlier.catalogSeq() + ", not " + reservation.seq(), earlier, false);
      }
      return new OrderReply(OrderReply.Outcome.OK, "replayed", earlier, true);
    }
    if (byId.containsKey(reservation.seq())) {
      // Keys and reservations are one-to-one in the catalog, so this cannot happen unless a bug upstream.
      return new OrderReply(OrderReply.Outcome.CONFLICT, "reservation " + reservation.seq()
          + " is recorded under another key", null, false);
    }
    if (byId.size() >= maxOrders) {
      // The catalog refuses reservations at the same limit, so only a misconfigured replica gets here.
      return new OrderReply(OrderReply.Outcome.CAPACITY_EXHAUSTED, "the order log holds its limit of "
          + maxOrders + " orders", null, false);
    }
    Order order = Order.of(reservation);
    add(order);
    return new OrderReply(OrderReply.Outcome.OK, order.status().name(), order, false);
  }

  private void add(Order order) {
    assert order.id() == order.catalogSeq() && !byId.containsKey(order.id()) && !byKey.containsKey(order.key());
    byId.put(order.id(), order);
    byKey.put(order.key(), order);
    if (order.confirmed()) {
      confirmed++;
    } else {
      rejected++;
    }
    hash += mix(FNV_OFFSET, canonical(order));
    while (byId.containsKey(reconciledThroughSeq + 1)) {
      reconciledThroughSeq++;
    }
    assert confirmed + rejected == byId.size() && byId.size() >= reconciledThroughSeq;
    if (byId.size() - reconciledThroughSeq > MAX_GAPS) {
      throw new IllegalStateException("more than " + MAX_GAPS + " reservations recorded above a gap at "
          + reconciledThroughSeq + "; the reconciler is not running");
    }
  }

  // ---------------------------------------------------------------- queries

  public Optional<Order> byId(long id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Optional<Order> byKey(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** The newest {@code limit} orders (highest ids), newest first. */
  public List<Order> recent(int limit) {
    List<Order> out = new ArrayList<>(Math.min(limit, byId.size()));
    for (Order o : byId.descendingMap().values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(o);
    }
    return out;
  }

  public long count() {
    return byId.size();
  }

  public long confirmedCount() {
    return confirmed;
  }

  public long rejectedCount() {
    return rejected;
  }

  /** Every catalog reservation up to this sequence number has its order here. */
  public long reconciledThroughSeq() {
    return reconciledThroughSeq;
  }

  public boolean recorded(long catalogSeq) {
    return byId.containsKey(catalogSeq);
  }

  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String summary = byId.size() + "|" + confirmed + "|" + rejected + "|" + reconciledThroughSeq + "|" + hash;
      return HexFormat.of().formatHex(sha.digest(summary.getBytes(StandardCharsets.UTF_8)), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- snapshots

  /** The orders in id order. */
  public Snapshot snapshot() {
    return new Snapshot(List.copyOf(byId.values()));
  }

  /**
   * The log a snapshot holds. Snapshots written before ids were reservation sequence numbers numbered
   * orders in recording order; such an order takes its reservation's number here, as every replica
   * replaying the same snapshot and log does.
   */
  public static OrderLog restore(Snapshot snapshot, long maxOrders) {
    OrderLog log = new OrderLog(maxOrders);
    for (Order o : snapshot.orders()) {
      Order order = o.id() == o.catalogSeq() ? o : o.renumbered();
      if (order.id() <= 0 || log.byKey.containsKey(order.key()) || log.byId.containsKey(order.id())) {
        throw new IllegalStateException("snapshot orders are not unique by key and reservation at order " + o.id());
      }
      log.add(order);
    }
    return log;
  }

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  static String canonical(Order o) {
    return o.id() + "|" + o.key() + "|" + o.item() + "|" + o.quantity() + "|" + o.status() + "|" + o.unitCost()
        + "|" + o.catalogSeq() + "|" + o.placedAtMillis();
  }

  private static long mix(long hash, String text) {
    long h = hash;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= FNV_PRIME;
    }
    return h;
  }
}
