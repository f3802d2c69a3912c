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
import java.util.TreeSet;

/**
 * The order history as a deterministic state machine: no I/O, no clocks, no threads.
 *
 * <p>Orders get dense ids from 1 in log order. Each idempotency key names at most one order, and each
 * catalog reservation is recorded at most once. The log also tracks a watermark: every catalog
 * reservation with {@code seq <= reconciledThroughSeq} has its order here. The reconciler only needs
 * to look above it.
 */
public final class OrderLog {
  /** Out-of-order recordings held above the watermark; more means reservations went missing. */
  static final int MAX_GAPS = 1_000_000;

  private final long maxOrders;
  private final ArrayList<Order> orders = new ArrayList<>();
  private final HashMap<String, Order> byKey = new HashMap<>();
  private long reconciledThroughSeq;
  private final TreeSet<Long> recordedAboveWatermark = new TreeSet<>();
  private long confirmed;
  private long rejected;
  private long hash = FNV_OFFSET;

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
    if (isRecorded(reservation.seq())) {
      // Keys and reservations are one-to-one in the catalog, so this cannot happen unless a bug upstream.
      return new OrderReply(OrderReply.Outcome.CONFLICT, "reservation " + reservation.seq()
          + " is recorded under another key", null, false);
    }
    if (orders.size() >= maxOrders) {
      return new OrderReply(OrderReply.Outcome.CAPACITY_EXHAUSTED, "the order log holds its limit of "
          + maxOrders + " orders", null, false);
    }
    Order order = Order.of(orders.size() + 1L, reservation);
    orders.add(order);
    byKey.put(order.key(), order);
    markRecorded(order.catalogSeq());
    if (order.confirmed()) {
      confirmed++;
    } else {
      rejected++;
    }
    hash = mix(hash, canonical(order));
    assert orders.size() == order.id() && confirmed + rejected == orders.size();
    return new OrderReply(OrderReply.Outcome.OK, order.status().name(), order, false);
  }

  private boolean isRecorded(long seq) {
    return seq <= reconciledThroughSeq || recordedAboveWatermark.contains(seq);
  }

  private void markRecorded(long seq) {
    recordedAboveWatermark.add(seq);
    while (recordedAboveWatermark.remove(reconciledThroughSeq + 1)) {
      reconciledThroughSeq++;
    }
    assert recordedAboveWatermark.isEmpty() || recordedAboveWatermark.first() > reconciledThroughSeq + 1;
    if (recordedAboveWatermark.size() > MAX_GAPS) {
      throw new IllegalStateException("more than " + MAX_GAPS + " reservations recorded above a gap at "
          + reconciledThroughSeq + "; the reconciler is not running");
    }
  }

  // ---------------------------------------------------------------- queries

  public Optional<Order> byId(long id) {
    return id >= 1 && id <= orders.size() ? Optional.of(orders.get((int) (id - 1))) : Optional.empty();
  }

  public Optional<Order> byKey(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** The newest {@code limit} orders, newest first. */
  public List<Order> recent(int limit) {
    List<Order> out = new ArrayList<>(Math.min(limit, orders.size()));
    for (int i = orders.size() - 1; i >= 0 && out.size() < limit; i--) {
      out.add(orders.get(i));
    }
    return out;
  }

  public long count() {
    return orders.size();
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
    return isRecorded(catalogSeq);
  }

  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String summary = orders.size() + "|" + confirmed + "|" + rejected + "|" + reconciledThroughSeq + "|" + hash;
      return HexFormat.of().formatHex(sha.digest(summary.getBytes(StandardCharsets.UTF_8)), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- snapshots

  public Snapshot snapshot() {
    return new Snapshot(List.copyOf(orders));
  }

  public static OrderLog restore(Snapshot snapshot, long maxOrders) {
    OrderLog log = new OrderLog(maxOrders);
    for (Order o : snapshot.orders()) {
      if (o.id() != log.orders.size() + 1L || log.byKey.containsKey(o.key()) || log.isRecorded(o.catalogSeq())) {
        throw new IllegalStateException("snapshot orders are not dense and unique at " + o.id());
      }
      log.orders.add(o);
      log.byKey.put(o.key(), o);
      log.markRecorded(o.catalogSeq());
      if (o.confirmed()) {
        log.confirmed++;
      } else {
        log.rejected++;
      }
      log.hash = mix(log.hash, canonical(o));
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
