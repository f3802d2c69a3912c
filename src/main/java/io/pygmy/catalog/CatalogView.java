package io.pygmy.catalog;

import java.util.List;

/**
 * The answer to a {@link CatalogQuery}. {@code version} is the Raft log index of the last entry the
 * answering replica had applied: a frontend uses it to refuse caching a read older than an invalidation.
 */
public record CatalogView(long version, boolean seeded, List<Book> books, List<Reservation> reservations,
                          UpdateRecord update, String digest, Long reservationCount) {
  static CatalogView books(long version, boolean seeded, List<Book> books) {
    return new CatalogView(version, seeded, books, null, null, null, null);
  }
}
