package io.pygmy.order;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pygmy.catalog.Reservation;
import io.pygmy.http.Json;
import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.StagedWrites;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an order-log snapshot of the release that kept orders in heap ({@code {"orders":[...]}}) into the
 * store, streaming, a bounded batch at a time, by recording each order's reservation as a new replica
 * would. Snapshots from before ids were reservation numbers numbered orders in recording order; such an
 * order takes its reservation's number, as every replica importing the same snapshot does.
 */
final class LegacyOrderImport {
  private static final int BATCH = 256;

  private LegacyOrderImport() {}

  static void run(InputStream json, KeyValueStore store, OrderLog log) throws IOException {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (!field.equals("orders")) {
          throw new IOException("unknown field '" + field + "' in a legacy order snapshot");
        }
        expect(p.nextToken(), JsonToken.START_ARRAY);
        java.util.List<Reservation> batch = new java.util.ArrayList<>(BATCH);
        while (p.nextToken() != JsonToken.END_ARRAY) {
          batch.add(reservationOf(Json.ELEMENT_READER.forType(Order.class).readValue(p)));
          if (batch.size() == BATCH) {
            record(store, log, batch);
            batch.clear();
          }
        }
        if (!batch.isEmpty()) {
          record(store, log, batch);
        }
      }
    }
  }

  private static Reservation reservationOf(Order o) {
    return new Reservation(o.catalogSeq(), o.key(), o.item(), o.quantity(), o.unitCost(),
        o.confirmed() ? Reservation.Status.RESERVED : Reservation.Status.OUT_OF_STOCK, o.placedAtMillis());
  }

  private static void record(KeyValueStore store, OrderLog log, java.util.List<Reservation> reservations) {
    StagedWrites w = store.stage();
    OrderReply reply = log.apply(w, new OrderCommand.RecordAll(reservations));
    for (OrderReply each : reply.each()) {
      if (each.outcome() != OrderReply.Outcome.OK || each.replayed()) {
        throw new IllegalStateException("legacy snapshot orders are not unique by key and reservation: "
            + each.message());
      }
    }
    store.commit(w);
  }

  private static void expect(JsonToken found, JsonToken wanted) throws IOException {
    if (found != wanted) {
      throw new IOException("legacy order snapshot: expected " + wanted + ", found " + found);
    }
  }
}
