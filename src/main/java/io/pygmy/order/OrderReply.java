package io.pygmy.order;

import java.util.List;

/**
 * What recording an order answers: the order, and whether an earlier record produced it. {@code each}
 * holds one reply per reservation of a {@link OrderCommand.RecordAll}, in order (null otherwise).
 */
public record OrderReply(Outcome outcome, String message, Order order, boolean replayed, List<OrderReply> each) {
  public enum Outcome {
    OK,
    /** The key already names an order for a different reservation: a bug upstream, refused loudly. */
    CONFLICT,
    CAPACITY_EXHAUSTED,
    /** A malformed command (refused before logging when it arrives through a leader). */
    INVALID
  }

  public OrderReply(Outcome outcome, String message, Order order, boolean replayed) {
    this(outcome, message, order, replayed, null);
  }

  public OrderReply {
    each = each == null ? null : List.copyOf(each);
  }
}
