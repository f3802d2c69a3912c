package io.pygmy.catalog;

import java.util.regex.Pattern;

/** One title in the store. Costs are whole currency units, as in the seed. */
public record Book(int id, String title, String topic, long cost, long stock) {
  public static final int MAX_TITLE_LENGTH = 200;
  public static final Pattern TOPIC = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public Book {
    if (id <= 0) {
      throw new IllegalArgumentException("book id must be positive, was " + id);
    }
    if (title == null || title.isBlank() || title.length() > MAX_TITLE_LENGTH) {
      throw new IllegalArgumentException("book " + id + ": title must be 1.." + MAX_TITLE_LENGTH + " characters");
    }
    if (topic == null || !TOPIC.matcher(topic).matches()) {
      throw new IllegalArgumentException("book " + id + ": topic must match " + TOPIC + ", was '" + topic + "'");
    }
    if (cost < 0 || stock < 0) {
      throw new IllegalArgumentException("book " + id + ": cost and stock must not be negative");
    }
  }

  Book withStock(long newStock) {
    return new Book(id, title, topic, cost, newStock);
  }

  Book withCost(long newCost) {
    return new Book(id, title, topic, newCost, stock);
  }
}
