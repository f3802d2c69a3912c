package io.pygmy.catalog;

import java.util.List;

/**
 * What a catalog write answers. {@code outcome} says what happened; {@code book} is the book after an
 * update; {@code reservation} is the record of a reserve (also when out of stock); {@code replayed}
 * tells that an earlier command with the same key produced this answer; {@code each} holds one reply
 * per reservation of a {@link CatalogCommand.ReserveAll}, in order (null for every other command).
 */
public record CatalogReply(Outcome outcome, String message, Book book, Reservation reservation, boolean replayed,
                           List<CatalogReply> each) {
  public enum Outcome {
    /** Applied (or replayed). A reservation may still say OUT_OF_STOCK. */
    OK,
    UNKNOWN_ITEM,
    /** The key was used before for a different request. */
    KEY_REUSED,
    /** The update would make stock negative or exceed its limit. */
    STOCK_CONFLICT,
    /** Malformed command (caught before logging when it arrives through a leader). */
    INVALID,
    /** A seed arrived after the catalog was seeded; nothing changed. */
    ALREADY_SEEDED
  }

  public CatalogReply(Outcome outcome, String message, Book book, Reservation reservation, boolean replayed) {
    this(outcome, message, book, reservation, replayed, null);
  }

  public CatalogReply {
    each = each == null ? null : List.copyOf(each);
  }

  static CatalogReply ofAll(List<CatalogReply> each) {
    return new CatalogReply(Outcome.OK, each.size() + " reservations", null, null, false, each);
  }

  static CatalogReply failed(Outcome outcome, String message) {
    return new CatalogReply(outcome, message, null, null, false);
  }

  CatalogReply asReplay() {
    return new CatalogReply(outcome, message, book, reservation, true);
  }

  /** One reply per command this one answers: the replies of a batch, or this reply alone. */
  public List<CatalogReply> replies() {
    return each != null ? each : List.of(this);
  }

  public boolean ok() {
    return outcome == Outcome.OK;
  }
}
