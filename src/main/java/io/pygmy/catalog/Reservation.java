package io.pygmy.catalog;

/**
 * The catalog's record of one buy attempt, keyed by the order's idempotency key. {@code seq} numbers
 * reservations densely from 1 in log order, so the order service can find any it has not recorded.
 */
public record Reservation(long seq, String key, int item, int quantity, long unitCost, Status status,
                          long requestedAtMillis) {
  public enum Status {
    /** Stock was taken. */
    RESERVED,
    /** Not enough stock; nothing was taken. */
    OUT_OF_STOCK
  }

  public Reservation {
    if (seq <= 0 || quantity <= 0 || item <= 0 || unitCost < 0 || key == null || status == null) {
      throw new IllegalArgumentException("malformed reservation " + seq + "/" + key);
    }
  }
}
