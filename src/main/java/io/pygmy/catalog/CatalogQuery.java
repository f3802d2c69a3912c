package io.pygmy.catalog;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.pygmy.storage.KeyValues;
import java.util.List;

/** A read of the catalog, answered by {@link CatalogView}. Served through Raft's linearizable read path. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CatalogQuery.ItemQuery.class, name = "item"),
    @JsonSubTypes.Type(value = CatalogQuery.TopicQuery.class, name = "topic"),
    @JsonSubTypes.Type(value = CatalogQuery.AllQuery.class, name = "all"),
    @JsonSubTypes.Type(value = CatalogQuery.TitleQuery.class, name = "title"),
    @JsonSubTypes.Type(value = CatalogQuery.TopicsQuery.class, name = "topics"),
    @JsonSubTypes.Type(value = CatalogQuery.ReservationQuery.class, name = "reservation"),
    @JsonSubTypes.Type(value = CatalogQuery.ReservationsAfterQuery.class, name = "reservationsAfter"),
    @JsonSubTypes.Type(value = CatalogQuery.UpdateQuery.class, name = "update"),
    @JsonSubTypes.Type(value = CatalogQuery.DigestQuery.class, name = "digest")
})
public sealed interface CatalogQuery {
  record ItemQuery(int item) implements CatalogQuery {}

  /** A page of a topic's books: ids above {@code afterId}, at most {@code limit}. */
  record TopicQuery(String topic, int afterId, int limit) implements CatalogQuery {}

  /** A page of every book. */
  record AllQuery(int afterId, int limit) implements CatalogQuery {}

  /** A page of the books whose titles match {@code text}, from {@code cursor} (null for the first page). */
  record TitleQuery(String text, String cursor, int limit) implements CatalogQuery {}

  record TopicsQuery() implements CatalogQuery {}

  record ReservationQuery(String key) implements CatalogQuery {}

  record ReservationsAfterQuery(long afterSeq, int limit) implements CatalogQuery {}

  record UpdateQuery(String key) implements CatalogQuery {}

  record DigestQuery() implements CatalogQuery {}

  /** Answers a query from a view of the store; {@code version} is the log index the view reflects. */
  static CatalogView answer(CatalogReads reads, KeyValues kv, CatalogQuery query, long version) {
    boolean seeded = reads.seeded(kv);
    return switch (query) {
      case ItemQuery q -> CatalogView.books(version, seeded, reads.book(kv, q.item()).map(List::of).orElse(List.of()),
          null);
      case TopicQuery q -> page(version, seeded, reads.byTopic(kv, q.topic(), q.afterId(), q.limit()));
      case AllQuery q -> page(version, seeded, reads.all(kv, q.afterId(), q.limit()));
      case TitleQuery q -> page(version, seeded, reads.search(kv, q.text(), q.cursor(), q.limit()));
      case TopicsQuery q -> new CatalogView(version, seeded, null, null, null, null, null, null, reads.topics(kv));
      case ReservationQuery q -> new CatalogView(version, seeded, null,
          reads.reservation(kv, q.key()).map(List::of).orElse(List.of()), null, null, null, null, null);
      case ReservationsAfterQuery q -> new CatalogView(version, seeded, null,
          reads.reservationsAfter(kv, q.afterSeq(), q.limit()), null, null, reads.reservationCount(kv), null, null);
      case UpdateQuery q -> new CatalogView(version, seeded, null, null, reads.update(kv, q.key()).orElse(null),
          null, null, null, null);
      case DigestQuery q -> new CatalogView(version, seeded, null, null, null, reads.digest(kv),
          reads.reservationCount(kv), null, null);
    };
  }

  private static CatalogView page(long version, boolean seeded, CatalogReads.BookPage page) {
    return CatalogView.books(version, seeded, page.books(), page.next());
  }
}
