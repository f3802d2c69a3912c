package io.pygmy.catalog;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Names of frontend cache entries. The catalog computes, for each write, the keys whose content it
 * changed; the frontend caches reads under the same names. Kept here so both sides share one spelling.
 */
public final class CacheKeys {
  /** Every book: {@code GET /api/books} without a topic. */
  public static final String ALL = "all";
  /** The topics and their sizes: fixed once the catalog is seeded, so never invalidated. */
  public static final String TOPICS = "topics";

  private CacheKeys() {}

  public static String item(int id) {
    return "item:" + id;
  }

  public static String topic(String topic) {
    return "topic:" + topic;
  }

  /** The entries a change to these books makes stale: each book, its topic, and the full listing. */
  public static Set<String> affectedBy(List<Book> changed) {
    Set<String> keys = new LinkedHashSet<>();
    for (Book b : changed) {
      keys.add(item(b.id()));
      keys.add(topic(b.topic()));
    }
    if (!keys.isEmpty()) {
      keys.add(ALL);
    }
    return keys;
  }
}
