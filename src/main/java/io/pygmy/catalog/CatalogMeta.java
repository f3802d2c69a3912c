package io.pygmy.catalog;

/**
 * The inventory's counters, stored under one key and rewritten once per applied entry: whether and how far
 * it is seeded, how many books and reservations it holds, the log clock, and running hashes that make the
 * digest a function of the whole state without scanning it.
 *
 * @param seedParts seed entries applied so far (a large catalog arrives in several)
 * @param clockMillis the log clock: the latest timestamp any applied command carried; key expiry is
 *     decided from it, never from a replica's own clock, so every replica forgets the same keys
 * @param booksHash sum of the hashes of every book's state
 * @param reservationsHash running hash over the reservations in sequence order (they never change)
 * @param keysHash sum of the hashes of the reservation keys still stored
 * @param updatesHash sum of the hashes of the update keys still stored
 */
public record CatalogMeta(boolean seeded, int seedParts, long books, long reservations, long clockMillis,
                          long booksHash, long reservationsHash, long keysHash, long updatesHash) {
  static final long FNV_OFFSET = 0xcbf29ce484222325L;
  static final CatalogMeta EMPTY = new CatalogMeta(false, 0, 0, 0, 0, 0, FNV_OFFSET, 0, 0);

  CatalogMeta withClock(long stampMillis) {
    return stampMillis <= clockMillis ? this
        : new CatalogMeta(seeded, seedParts, books, reservations, stampMillis, booksHash, reservationsHash, keysHash,
            updatesHash);
  }

  CatalogMeta withSeed(boolean seededNow, int parts, long bookCount, long booksHashNow) {
    return new CatalogMeta(seededNow, parts, bookCount, reservations, clockMillis, booksHashNow, reservationsHash,
        keysHash, updatesHash);
  }

  CatalogMeta withBooksHash(long h) {
    return new CatalogMeta(seeded, seedParts, books, reservations, clockMillis, h, reservationsHash, keysHash,
        updatesHash);
  }

  CatalogMeta withReservation(long count, long hash) {
    return new CatalogMeta(seeded, seedParts, books, count, clockMillis, booksHash, hash, keysHash, updatesHash);
  }

  CatalogMeta withKeysHash(long h) {
    return new CatalogMeta(seeded, seedParts, books, reservations, clockMillis, booksHash, reservationsHash, h,
        updatesHash);
  }

  CatalogMeta withUpdatesHash(long h) {
    return new CatalogMeta(seeded, seedParts, books, reservations, clockMillis, booksHash, reservationsHash,
        keysHash, h);
  }
}
