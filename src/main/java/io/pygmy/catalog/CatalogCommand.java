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

  /** Loads the initial catalog; applies once, to an empty inventory, and is a no-op afterwards. */
  record Seed(List<Book> books) implements CatalogCommand {
    public Seed {
      books = List.copyOf(books);
    }
  }

  /**
   * Takes {@code quantity} copies of {@code item} for the order identified by {@code key}, if that many
   * are in stock. The check and the decrement are one step. Replaying the same key returns the first
   * outcome and changes nothing.
   *
   * @param requestedAtMillis wall-clock time the coordinator stamped; stored, never compared
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
   * not null, sets its cost. With a {@code key}, a replay returns the first outcome.
   */
  record Update(String key, int item, long stockDelta, Long cost) implements CatalogCommand {}
}
