package io.pygmy.order;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.pygmy.storage.KeyValues;
import java.util.List;

/** A read of the order log, answered by {@link OrderView}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OrderQuery.ById.class, name = "id"),
    @JsonSubTypes.Type(value = OrderQuery.ByKey.class, name = "key"),
    @JsonSubTypes.Type(value = OrderQuery.Recent.class, name = "recent"),
    @JsonSubTypes.Type(value = OrderQuery.Page.class, name = "page"),
    @JsonSubTypes.Type(value = OrderQuery.Summary.class, name = "summary")
})
public sealed interface OrderQuery {
  record ById(long id) implements OrderQuery {}

  record ByKey(String key) implements OrderQuery {}

  /** The newest {@code limit} orders, newest first. */
  record Recent(int limit) implements OrderQuery {}

  /** Orders with ids above {@code afterId}, oldest first. */
  record Page(long afterId, int limit) implements OrderQuery {}

  record Summary() implements OrderQuery {}

  static OrderView answer(OrderLog log, KeyValues kv, OrderQuery query, long version) {
    return switch (query) {
      case ById q -> OrderView.orders(version, log.byId(kv, q.id()).map(List::of).orElse(List.of()));
      case ByKey q -> OrderView.orders(version, log.byKey(kv, q.key()).map(List::of).orElse(List.of()));
      case Recent q -> OrderView.orders(version, log.recent(kv, q.limit()));
      case Page q -> OrderView.orders(version, log.page(kv, q.afterId(), q.limit()));
      case Summary q -> {
        OrderMeta m = log.meta(kv);
        yield new OrderView(version, null, m.count(), m.confirmed(), m.rejected(), m.watermark(), log.digest(kv));
      }
    };
  }
}
