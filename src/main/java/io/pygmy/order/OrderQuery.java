package io.pygmy.order;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** A read of the order log, answered by {@link OrderView}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OrderQuery.ById.class, name = "id"),
    @JsonSubTypes.Type(value = OrderQuery.ByKey.class, name = "key"),
    @JsonSubTypes.Type(value = OrderQuery.Recent.class, name = "recent"),
    @JsonSubTypes.Type(value = OrderQuery.Summary.class, name = "summary")
})
public sealed interface OrderQuery {
  record ById(long id) implements OrderQuery {}

  record ByKey(String key) implements OrderQuery {}

  record Recent(int limit) implements OrderQuery {}

  record Summary() implements OrderQuery {}

  static OrderView answer(OrderLog log, OrderQuery query, long version) {
    return switch (query) {
      case ById q -> OrderView.orders(version, log.byId(q.id()).map(List::of).orElse(List.of()));
      case ByKey q -> OrderView.orders(version, log.byKey(q.key()).map(List::of).orElse(List.of()));
      case Recent q -> OrderView.orders(version, log.recent(q.limit()));
      case Summary q -> new OrderView(version, null, log.count(), log.confirmedCount(), log.rejectedCount(),
          log.reconciledThroughSeq(), log.digest());
    };
  }
}
