package io.pygmy.order;

/** What recording an order answers: the order, and whether an earlier record produced it. */
public record OrderReply(Outcome outcome, String message, Order order, boolean replayed) {
  public enum Outcome {
    OK,
    /** The key already names an order for a different reservation: a bug upstream, refused loudly. */
    CONFLICT,
    CAPACITY_EXHAUSTED
  }
}
