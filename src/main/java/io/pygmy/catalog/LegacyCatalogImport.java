package io.pygmy.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pygmy.catalog.CatalogTables.KeyEntry;
import io.pygmy.catalog.Inventory.StockedBook;
import io.pygmy.http.Json;
import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.StagedWrites;
import io.pygmy.storage.StateHash;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a catalog snapshot of the release that kept the inventory in heap ({@code {"books":[...],
 * "reservations":[...], "seeded":..., "updates":[...]}}, written by Jackson in that order) into the store,
 * streaming, a bounded batch at a time. Keys of reservations keep their reservation's time as the start of
 * their retention; remembered updates (which had no time) start theirs at the latest reservation's.
 */
final class LegacyCatalogImport {
  private static final int BATCH = 5000;

  /** The old format of a remembered update. */
  record LegacyUpdate(String key, int item, long stockDelta, Long cost, CatalogReply reply) {}

  private final KeyValueStore store;
  private StagedWrites batch;
  private CatalogMeta meta = CatalogMeta.EMPTY;

  private LegacyCatalogImport(KeyValueStore store) {
    this.store = store;
    this.batch = store.stage();
  }

  static void run(InputStream json, KeyValueStore store) throws IOException {
    new LegacyCatalogImport(store).read(json);
  }

  private void read(InputStream json) throws IOException {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      boolean seeded = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "books" -> each(p, value, () -> book(element(p, StockedBook.class)));
          case "reservations" -> each(p, value, () -> reservation(element(p, Reservation.class)));
          case "updates" -> each(p, value, () -> update(element(p, LegacyUpdate.class)));
          case "seeded" -> seeded = p.getBooleanValue();
          default -> throw new IOException("unknown field '" + field + "' in a legacy catalog snapshot");
        }
      }
      meta = new CatalogMeta(seeded, seeded ? 1 : 0, meta.books(), meta.reservations(), meta.clockMillis(),
          meta.booksHash(), meta.reservationsHash(), meta.keysHash(), meta.updatesHash());
      CatalogTables.putMeta(batch, meta);
      store.commit(batch);
    }
  }

  private interface Element {
    void read() throws IOException;
  }

  private void each(JsonParser p, JsonToken start, Element element) throws IOException {
    expect(start, JsonToken.START_ARRAY);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      element.read();
      if (batch.size() >= BATCH) {
        CatalogTables.putMeta(batch, meta);
        store.commit(batch);
        batch = store.stage();
      }
    }
  }

  private void book(StockedBook s) {
    if (!s.balanced()) {
      throw new IllegalStateException("legacy snapshot book does not balance: " + s);
    }
    CatalogTables.putBook(batch, s);
    CatalogTables.indexBook(batch, s.book());
    meta = meta.withSeed(false, 0, meta.books() + 1, meta.booksHash() + StateHash.of(s.canonical()));
  }

  private void reservation(Reservation r) {
    if (r.seq() != meta.reservations() + 1 || CatalogTables.keyEntry(batch, r.key()) != null) {
      throw new IllegalStateException("legacy snapshot reservations are not dense and unique at " + r.seq());
    }
    CatalogTables.putReservation(batch, r);
    meta = meta.withClock(r.requestedAtMillis());
    KeyEntry entry = new KeyEntry(r.seq(), r.requestedAtMillis());
    CatalogTables.putKeyEntry(batch, r.key(), entry);
    meta = meta.withReservation(r.seq(), StateHash.mix(meta.reservationsHash(), Inventory.canonical(r)))
        .withKeysHash(meta.keysHash() + StateHash.of(Inventory.canonical(r.key(), entry)));
  }

  private void update(LegacyUpdate u) {
    UpdateRecord record = new UpdateRecord(u.key(), u.item(), u.stockDelta(), u.cost(), u.reply(), meta.clockMillis());
    CatalogTables.putUpdate(batch, record);
    meta = meta.withUpdatesHash(meta.updatesHash() + StateHash.of(Inventory.canonical(record)));
  }

  private static <T> T element(JsonParser p, Class<T> type) throws IOException {
    return Json.ELEMENT_READER.forType(type).readValue(p);
  }

  private static void expect(JsonToken found, JsonToken wanted) throws IOException {
    if (found != wanted) {
      throw new IOException("legacy catalog snapshot: expected " + wanted + ", found " + found);
    }
  }
}
