package io.pygmy.catalog;

import io.pygmy.catalog.Inventory.Applied;
import io.pygmy.catalog.Inventory.StockedBook;
import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.MemoryStore;
import io.pygmy.storage.StagedWrites;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory's rules over a store, the way a replica drives them, with one command per committed
 * batch: what the tests apply commands to and read back from. An in-memory store by default; give a
 * {@code RocksStore} to run the same commands on disk.
 */
final class StoredInventory {
  /** The leader's clock as the skew check sees it: far enough ahead that no test stamp is refused. */
  static final long NOW = Long.MAX_VALUE / 4;

  final Inventory rules;
  final CatalogReads reads;
  final KeyValueStore store;

  StoredInventory(CatalogLimits limits) {
    this(limits, new MemoryStore());
  }

  StoredInventory(CatalogLimits limits, KeyValueStore store) {
    this.rules = new Inventory(limits);
    this.reads = new CatalogReads(rules);
    this.store = store;
  }

  Applied apply(CatalogCommand command) {
    StagedWrites batch = store.stage();
    Applied applied = rules.apply(batch, command);
    store.commit(batch);
    return applied;
  }

  Optional<CatalogReply> rejectBeforeLogging(CatalogCommand command) {
    return rules.rejectBeforeLogging(state(), command, NOW);
  }

  List<Book> booksNamedBy(CatalogCommand command) {
    return rules.booksNamedBy(state(), command);
  }

  KeyValues state() {
    return store.latest();
  }

  boolean seeded() {
    return reads.seeded(state());
  }

  CatalogMeta meta() {
    return reads.meta(state());
  }

  Optional<Book> book(int id) {
    return reads.book(state(), id);
  }

  Optional<StockedBook> stocked(int id) {
    return reads.stocked(state(), id);
  }

  /** Every book of a topic, read page by page. */
  List<Book> byTopic(String topic) {
    List<Book> out = new ArrayList<>();
    int after = 0;
    for (CatalogReads.BookPage page = reads.byTopic(state(), topic, after, 2); ;
         page = reads.byTopic(state(), topic, after, 2)) {
      out.addAll(page.books());
      if (page.next() == null) {
        return out;
      }
      after = Integer.parseInt(page.next());
    }
  }

  List<Book> all() {
    return reads.all(state(), 0, CatalogReads.MAX_PAGE).books();
  }

  List<String> topics() {
    return List.copyOf(reads.topics(state()).keySet());
  }

  Optional<Reservation> reservation(String key) {
    return reads.reservation(state(), key);
  }

  List<Reservation> reservationsAfter(long afterSeq, int limit) {
    return reads.reservationsAfter(state(), afterSeq, limit);
  }

  long reservationCount() {
    return reads.reservationCount(state());
  }

  Optional<UpdateRecord> update(String key) {
    return reads.update(state(), key);
  }

  String digest() {
    return reads.digest(state());
  }

  List<String> verify() {
    return reads.verify(state());
  }

  List<Reservation> reservationsView() {
    return reservationsAfter(0, Integer.MAX_VALUE);
  }

  Map<Integer, StockedBook> booksView() {
    Map<Integer, StockedBook> out = new LinkedHashMap<>();
    for (Book b : all()) {
      out.put(b.id(), stocked(b.id()).orElseThrow());
    }
    return out;
  }
}
