package io.pygmy.catalog;

import io.pygmy.catalog.CatalogReads.BookPage;
import io.pygmy.catalog.Inventory.StockedBook;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Title search over the word index: every word of the query must be a word of the title, the last one
 * possibly unfinished (a prefix), as a search box is typed. The index is read from the most selective
 * word the query has (its longest finished word, else the prefix), in the index's order (word, then id),
 * and each candidate is checked against the other words. A request examines at most
 * {@link #MAX_EXAMINED} index entries: when they run out before the page is full, the page is shorter
 * and its cursor continues the scan, so no query costs unbounded work.
 */
final class TitleSearch {
  static final int MAX_EXAMINED = 5000;

  private TitleSearch() {}

  static BookPage run(KeyValues kv, String query, String cursor, int limit) {
    List<String> words = TitleWords.ofQuery(query);
    if (words.isEmpty()) {
      return new BookPage(List.of(), null);
    }
    String prefix = words.get(words.size() - 1);
    List<String> exact = words.subList(0, words.size() - 1);
    String driver = exact.stream().max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
    byte[] from;
    byte[] to;
    if (driver != null) {
      from = Keys.of(CatalogTables.WORD).text(driver).build();
      to = Keys.end(from);
    } else {
      // Every word starting with the prefix: keys W prefix... up to the first key past them.
      from = Keys.of(CatalogTables.WORD).raw(prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
      to = Keys.end(from);
    }
    byte[] start = from;
    if (cursor != null && !cursor.isEmpty()) {
      byte[] last = decodeCursor(cursor);
      if (java.util.Arrays.compareUnsigned(last, from) < 0 || java.util.Arrays.compareUnsigned(last, to) >= 0) {
        throw new IllegalArgumentException("the cursor does not belong to this search");
      }
      start = Keys.after(last);
    }
    List<Book> found = new ArrayList<>();
    byte[] lastExamined = null;
    int examined = 0;
    boolean exhausted = false;
    while (found.size() < limit && examined < MAX_EXAMINED) {
      int want = Math.min(256, MAX_EXAMINED - examined);
      List<KeyValues.Entry> page = kv.scan(start, to, want);
      int used = 0;
      for (KeyValues.Entry e : page) {
        used++;
        examined++;
        lastExamined = e.key();
        Keys.Reader k = new Keys.Reader(e.key());
        String word = k.text();
        StockedBook s = CatalogTables.book(kv, k.i32());
        if (s != null && matches(TitleWords.of(s.book().title()), exact, prefix, driver == null ? word : null)) {
          found.add(s.book());
          if (found.size() == limit) {
            break;
          }
        }
      }
      if (page.size() < want) {
        exhausted = used == page.size(); // the index range ended with this page
        break;
      }
      start = Keys.after(lastExamined);
    }
    String next = exhausted || lastExamined == null ? null : encodeCursor(lastExamined);
    return new BookPage(List.copyOf(found), next);
  }

  /**
   * Whether a title with {@code titleWords} (sorted) matches. When the index was read by prefix,
   * {@code indexWord} is the word this entry came from: a title counts only under its first word with the
   * prefix, so a book is found once even when several of its words start with the prefix.
   */
  static boolean matches(List<String> titleWords, List<String> exact, String prefix, String indexWord) {
    for (String w : exact) {
      if (!titleWords.contains(w)) {
        return false;
      }
    }
    String firstWithPrefix = null;
    for (String w : titleWords) {
      if (w.startsWith(prefix)) {
        firstWithPrefix = w;
        break;
      }
    }
    return firstWithPrefix != null && (indexWord == null || indexWord.equals(firstWithPrefix));
  }

  private static String encodeCursor(byte[] key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  private static byte[] decodeCursor(String cursor) {
    try {
      return Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the cursor is malformed");
    }
  }
}
