package io.pygmy.chaos;

import java.util.List;
import java.util.Map;

/**
 * What the store holds after the run, read from every replica once the cluster has healed and settled:
 * the ground truth the checks compare the history against. Plain data; collecting it is
 * {@link StoreProbe}'s job.
 *
 * @param initial the books the catalog was seeded with, by id
 * @param booksByReplica each catalog replica's books (its own linearizable read), by replica, then id
 * @param reservations every catalog reservation, by idempotency key (the catalog's decision on each buy)
 * @param orders every order in the order log (read from one replica; the digests vouch for the others)
 * @param updates the catalog's remembered outcome of each keyed update the harness sent, by key
 * @param digests each replica's state digest, by group ("catalog", "order"), then replica
 */
public record StoreState(Map<Integer, Book> initial, Map<String, Map<Integer, Book>> booksByReplica,
                         Map<String, Reservation> reservations, List<Order> orders, Map<String, Update> updates,
                         Map<String, Map<String, String>> digests) {
  public record Book(int id, long stock, long cost) {}

  public record Reservation(long seq, String key, int item, int quantity, String status) {
    public boolean reserved() {
      return "RESERVED".equals(status);
    }
  }

  public record Order(long id, String key, int item, int quantity, String status) {
    public boolean confirmed() {
      return "CONFIRMED".equals(status);
    }
  }

  /** A keyed update as the catalog remembers it: applied ({@code ok}) or refused, and the book after. */
  public record Update(String key, int item, long stockDelta, Long cost, boolean ok, Long stockAfter) {}

  public StoreState {
    initial = Map.copyOf(initial);
    booksByReplica = Map.copyOf(booksByReplica);
    reservations = Map.copyOf(reservations);
    orders = List.copyOf(orders);
    updates = Map.copyOf(updates);
    digests = Map.copyOf(digests);
  }
}
