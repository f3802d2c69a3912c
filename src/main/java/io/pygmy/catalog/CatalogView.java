package io.pygmy.catalog;

import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link CatalogQuery}. {@code version} is the Raft log index of the last entry the
 * answering replica had applied: a frontend uses it to refuse caching a read older than an invalidation.
 * {@code next} is the cursor of a listing's next page (null on the last); {@code topics} the topics and
 * their sizes.
 */
public record CatalogView(long version, boolean seeded, List<Book> books, List<Reservation> reservations,
                          UpdateRecord update, String digest, Long reservationCount, String next,
                          Map<String, Long> topics) {
  static CatalogView books(long version, boolean seeded, List<Book> books, String next) {
    return new CatalogView(version, seeded, books, null, null, null, null, next, null);
  }
}
