package io.pygmy.order;

import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.MemoryStore;
import io.pygmy.storage.StagedWrites;
import java.util.List;
import java.util.Optional;

/**
 * The order log's rules over a store, one command per committed batch, the way a replica drives them:
 * what the tests record to and read back from. An in-memory store by default.
 */
final class StoredOrderLog {
  static final long RETENTION_MILLIS = 24L * 60 * 60 * 1000;

  final OrderLog rules;
  final KeyValueStore store;

  StoredOrderLog() {
    this(RETENTION_MILLIS, new MemoryStore());
  }

  StoredOrderLog(long retentionMillis, KeyValueStore store) {
    this.rules = new OrderLog(retentionMillis);
    this.store = store;
  }

  OrderReply apply(OrderCommand command) {
    StagedWrites batch = store.stage();
    OrderReply reply = rules.apply(batch, command);
    store.commit(batch);
    return reply;
  }

  KeyValues state() {
    return store.latest();
  }

  OrderMeta meta() {
    return rules.meta(state());
  }

  long count() {
    return meta().count();
  }

  long confirmedCount() {
    return meta().confirmed();
  }

  long rejectedCount() {
    return meta().rejected();
  }

  long reconciledThroughSeq() {
    return meta().watermark();
  }

  Optional<Order> byId(long id) {
    return rules.byId(state(), id);
  }

  Optional<Order> byKey(String key) {
    return rules.byKey(state(), key);
  }

  Optional<Order> liveByKey(String key) {
    return rules.liveByKey(state(), key);
  }

  List<Order> recent(int limit) {
    return rules.recent(state(), limit);
  }

  List<Order> page(long afterId, int limit) {
    return rules.page(state(), afterId, limit);
  }

  boolean recorded(long seq) {
    return rules.recorded(state(), seq);
  }

  String digest() {
    return rules.digest(state());
  }

  List<String> verify() {
    return rules.verify(state());
  }
}
