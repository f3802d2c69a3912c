package io.pygmy.catalog;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A read of the catalog, answered by {@link CatalogView}. Served through Raft's linearizable read path. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CatalogQuery.ItemQuery.class, name = "item"),
    @JsonSubTypes.Type(value = CatalogQuery.TopicQuery.class, name = "topic"),
    @JsonSubTypes.Type(value = CatalogQuery.AllQuery.class, name = "all"),
    @JsonSubTypes.Type(value = CatalogQuery.ReservationQuery.class, name = "reservation"),
    @JsonSubTypes.Type(value = CatalogQuery.ReservationsAfterQuery.class, name = "reservationsAfter"),
    @JsonSubTypes.Type(value = CatalogQuery.UpdateQuery.class, name = "update"),
    @JsonSubTypes.Type(value = CatalogQuery.DigestQuery.class, name = "digest")
})
public sealed interface CatalogQuery {
  record ItemQuery(int item) implements CatalogQuery {}

  record TopicQuery(String topic) implements CatalogQuery {}

  record AllQuery() implements CatalogQuery {}

  record ReservationQuery(String key) implements CatalogQuery {}

  record ReservationsAfterQuery(long afterSeq, int limit) implements CatalogQuery {}

  record UpdateQuery(String key) implements CatalogQuery {}

  record DigestQuery() implements CatalogQuery {}

  /** Answers a query from the inventory; {@code version} is the log index the inventory reflects. */
  static CatalogView answer(Inventory inv, CatalogQuery query, long version) {
    return switch (query) {
      case ItemQuery q -> CatalogView.books(version, inv.seeded(), inv.book(q.item()).map(java.util.List::of)
          .orElse(java.util.List.of()));
      case TopicQuery q -> CatalogView.books(version, inv.seeded(), inv.byTopic(q.topic()));
      case AllQuery q -> CatalogView.books(version, inv.seeded(), inv.all());
      case ReservationQuery q -> new CatalogView(version, inv.seeded(), null,
          inv.reservation(q.key()).map(java.util.List::of).orElse(java.util.List.of()), null, null, null);
      case ReservationsAfterQuery q -> new CatalogView(version, inv.seeded(), null,
          inv.reservationsAfter(q.afterSeq(), q.limit()), null, null, inv.reservationCount());
      case UpdateQuery q -> new CatalogView(version, inv.seeded(), null, null, inv.update(q.key()).orElse(null),
          null, null);
      case DigestQuery q -> new CatalogView(version, inv.seeded(), null, null, null, inv.digest(),
          inv.reservationCount());
    };
  }
}
