package io.pygmy.catalog;

import io.pygmy.catalog.CatalogTables.KeyEntry;
import io.pygmy.catalog.Inventory.StockedBook;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import io.pygmy.storage.StateHash;
import java.util.ArrayList;
import java.util.List;

/** Recomputes the catalog's counters and hashes from its records, page by page, and says what differs. */
final class CatalogVerifier {
  private static final int PAGE = 4096;
  private final KeyValues kv;
  private final List<String> problems = new ArrayList<>();

  CatalogVerifier(KeyValues kv) {
    this.kv = kv;
  }

  List<String> run() {
    CatalogMeta m = CatalogTables.meta(kv);
    long books = 0;
    long booksHash = 0;
    for (KeyValues.Entry e : all(CatalogTables.BOOK)) {
      StockedBook s = CatalogTables.decodeBook(new Keys.Reader(e.key()).i32(), e.value());
      if (!s.balanced()) {
        problems.add("book " + s.book().id() + " does not balance");
      }
      books++;
      booksHash += StateHash.of(s.canonical());
    }
    check("books", books, m.books());
    check("books hash", booksHash, m.booksHash());
    long seq = 0;
    long reservationsHash = StateHash.FNV_OFFSET;
    for (KeyValues.Entry e : all(CatalogTables.RESERVATION)) {
      Reservation r = CatalogTables.decodeReservation(new Keys.Reader(e.key()).i64(), e.value());
      if (r.seq() != ++seq) {
        problems.add("reservations are not dense at " + r.seq());
        seq = r.seq();
      }
      reservationsHash = StateHash.mix(reservationsHash, Inventory.canonical(r));
    }
    check("reservations", seq, m.reservations());
    check("reservations hash", reservationsHash, m.reservationsHash());
    long keysHash = 0;
    for (KeyValues.Entry e : all(CatalogTables.RESERVATION_KEY)) {
      String key = new Keys.Reader(e.key()).text();
      KeyEntry entry = CatalogTables.keyEntry(kv, key);
      Reservation r = CatalogTables.reservation(kv, entry.seq());
      if (r == null || !r.key().equals(key)) {
        problems.add("key " + key + " names reservation " + entry.seq() + ", which is not its own");
      }
      keysHash += StateHash.of(Inventory.canonical(key, entry));
    }
    check("keys hash", keysHash, m.keysHash());
    long updatesHash = 0;
    for (KeyValues.Entry e : all(CatalogTables.UPDATE_KEY)) {
      updatesHash += StateHash.of(Inventory.canonical(CatalogTables.update(kv, new Keys.Reader(e.key()).text())));
    }
    check("updates hash", updatesHash, m.updatesHash());
    return problems;
  }

  private void check(String what, long found, long recorded) {
    if (found != recorded) {
      problems.add(what + ": the records give " + found + ", the meta record says " + recorded);
    }
  }

  /** Every entry of a table, read a page at a time. */
  private Iterable<KeyValues.Entry> all(int tag) {
    byte[] table = CatalogTables.table(tag);
    byte[] end = Keys.end(table);
    return () -> new java.util.Iterator<>() {
      private List<KeyValues.Entry> page = kv.scan(table, end, PAGE);
      private int i;

      @Override
      public boolean hasNext() {
        if (i < page.size()) {
          return true;
        }
        if (page.size() < PAGE) {
          return false;
        }
        page = kv.scan(Keys.after(page.get(page.size() - 1).key()), end, PAGE);
        i = 0;
        return !page.isEmpty();
      }

      @Override
      public KeyValues.Entry next() {
        return page.get(i++);
      }
    };
  }
}
