package io.pygmy.order;

import io.pygmy.catalog.Reservation;

/**
 * A recorded buy. It mirrors the catalog reservation it came from ({@code catalogSeq}, which is also
 * its id), so an order exists exactly when its reservation does: confirmed when stock was taken,
 * rejected when it was not.
 */
public record Order(long id, String key, int item, int quantity, Status status, long unitCost, long totalCost,
                    long catalogSeq, long placedAtMillis) {
  public enum Status {
    CONFIRMED,
    /** Out of stock: nothing was taken and nothing is owed. */
    REJECTED
  }

  public boolean confirmed() {
    return status == Status.CONFIRMED;
  }

  /** The order of a reservation: what the coordinator answers and what the order log records. */
  static Order of(Reservation r) {
    Status status = r.status() == Reservation.Status.RESERVED ? Status.CONFIRMED : Status.REJECTED;
    return new Order(r.seq(), r.key(), r.item(), r.quantity(), status, r.unitCost(),
        Math.multiplyExact(r.unitCost(), (long) r.quantity()), r.seq(), r.requestedAtMillis());
  }
}
