package io.pygmy.catalog;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** A replicated write to the catalog: what goes into a Raft log entry. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CatalogCommand.Seed.class, name = "seed"),
    @JsonSubTypes.Type(value = CatalogCommand.Reserve.class, name = "reserve"),
    @JsonSubTypes.Type(value = CatalogCommand.ReserveAll.class, name = "reserve-all"),
    @JsonSubTypes.Type(value = CatalogCommand.Update.class, name = "update")
})
public sealed interface CatalogCommand {

  /**
   * One part of the initial catalog: parts apply in order, {@code part} 0 first, each once; the catalog is
   * seeded when the part marked {@code last} has applied, and later seeds change nothing. A large catalog
   * arrives in many parts of at most {@link #MAX_BOOKS} books, so no log entry is large. An entry written
   * before parts existed has neither field: it is part 0 and the last.
   */
  record Seed(List<Book> books, Integer part, Boolean last) implements CatalogCommand {
    /** Most books one part may carry. */
    public static final int MAX_BOOKS = 1000;
    /** Most books a seed in one part may carry (entries written before parts existed held the whole catalog). */
    public static final int MAX_BOOKS_ONE_PART = 10_000;

    public Seed {
      books = List.copyOf(books);
      part = part == null ? 0 : part; // boxed so entries without the field still decode
    }

    /** The whole catalog in one part (small catalogs, tests). */
    public Seed(List<Book> books) {
      this(books, 0, true);
    }

    /** Whether the catalog is seeded once this part has applied. */
    public boolean finalPart() {
      return last == null || last;
    }
  }

  /**
   * Takes {@code quantity} copies of {@code item} for the order identified by {@code key}, if that many
   * are in stock. The check and the decrement are one step. Replaying the same key returns the first
   * outcome and changes nothing.
   *
   * @param requestedAtMillis wall-clock time the coordinator stamped: stored as the order's time, and it
   *     moves the log clock that key retention is measured by (never a replica's own clock)
   */
  record Reserve(String key, int item, int quantity, long requestedAtMillis) implements CatalogCommand {}

  /**
   * Several reservations in one log entry, applied in order, each exactly as if it were alone, with one
   * reply each: an order replica sends the buys that arrived while its previous commit was in flight as
   * one entry (group commit), so one Raft round and one invalidation serve them all.
   */
  record ReserveAll(List<Reserve> reserves) implements CatalogCommand {
    /** Most reservations one entry may carry. */
    public static final int MAX = 256;

    public ReserveAll {
      reserves = List.copyOf(reserves);
    }
  }

  /**
   * Adds {@code stockDelta} to the stock of {@code item} (negative removes) and, when {@code cost} is
   * not null, sets its cost. With a {@code key}, a replay within the retention window returns the first
   * outcome.
   *
   * @param requestedAtMillis wall-clock time the catalog replica that took the request stamped (0 in
   *     entries written before updates carried one: they leave the log clock as it is)
   */
  record Update(String key, int item, long stockDelta, Long cost, Long requestedAtMillis) implements CatalogCommand {
    public Update {
      requestedAtMillis = requestedAtMillis == null ? 0L : requestedAtMillis; // boxed, as Seed's part
    }

    public Update(String key, int item, long stockDelta, Long cost) {
      this(key, item, stockDelta, cost, 0L);
    }
  }
}
