package io.pygmy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.catalog.CatalogCommand.Seed;
import io.pygmy.catalog.CatalogReads.BookPage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Listings a page at a time, title search, and topics. */
class CatalogReadsTest {
  static final CatalogLimits LIMITS = new CatalogLimits(100_000, 1000, 10_000, 10, 64, 60_000, 60_000);

  static StoredInventory withBooks(List<Book> books) {
    StoredInventory inv = new StoredInventory(LIMITS);
    int part = 0;
    for (int from = 0; from < books.size(); from += Seed.MAX_BOOKS) {
      List<Book> slice = books.subList(from, Math.min(books.size(), from + Seed.MAX_BOOKS));
      inv.apply(new Seed(slice, part++, from + Seed.MAX_BOOKS >= books.size()));
    }
    return inv;
  }

  static Book book(int id, String title, String topic) {
    return new Book(id, title, topic, id, 5);
  }

  @Nested
  class Pages {
    StoredInventory inv = withBooks(IntStream.rangeClosed(1, 2500)
        .mapToObj(i -> book(i, "Book " + i, i % 3 == 0 ? "three" : "other")).toList());

    @Test
    void everyBookIsListedOnceAcrossPagesInIdOrder() {
      List<Integer> ids = new ArrayList<>();
      String next = null;
      do {
        BookPage page = inv.reads.all(inv.state(), next == null ? 0 : Integer.parseInt(next), 300);
        assertThat(page.books().size()).isLessThanOrEqualTo(300);
        page.books().forEach(b -> ids.add(b.id()));
        next = page.next();
      } while (next != null);
      assertThat(ids).containsExactlyElementsOf(IntStream.rangeClosed(1, 2500).boxed().toList());
    }

    @Test
    void aTopicIsListedOnceAcrossPagesAndTheLastPageHasNoCursor() {
      List<Integer> ids = new ArrayList<>();
      int after = 0;
      while (true) {
        BookPage page = inv.reads.byTopic(inv.state(), "three", after, 100);
        page.books().forEach(b -> ids.add(b.id()));
        if (page.next() == null) {
          break;
        }
        after = Integer.parseInt(page.next());
      }
      assertThat(ids).containsExactlyElementsOf(IntStream.rangeClosed(1, 2500).filter(i -> i % 3 == 0).boxed().toList());
    }

    @Test
    void aPageIsAtMostTheMaximumWhateverIsAsked() {
      assertThat(inv.reads.all(inv.state(), 0, 1_000_000).books()).hasSize(CatalogReads.MAX_PAGE);
      assertThat(inv.reads.all(inv.state(), 0, 0).books()).hasSize(1);
    }

    @Test
    void topicsAreListedWithTheirSizes() {
      assertThat(inv.reads.topics(inv.state())).containsExactly(java.util.Map.entry("other", 1667L),
          java.util.Map.entry("three", 833L));
    }

    @Test
    void anUnknownTopicIsAnEmptyLastPage() {
      BookPage page = inv.reads.byTopic(inv.state(), "nope", 0, 10);
      assertThat(page.books()).isEmpty();
      assertThat(page.next()).isNull();
    }
  }

  @Nested
  class TitleSearching {
    StoredInventory inv = withBooks(List.of(
        book(1, "Distributed Systems", "ds"),
        book(2, "Designing Data-Intensive Applications", "ds"),
        book(3, "Database Internals", "ds"),
        book(4, "The Data and the Database", "gs"),
        book(5, "Xen and the Art of Surviving Graduate School", "gs")));

    List<Integer> search(String q) {
      List<Integer> ids = new ArrayList<>();
      String cursor = null;
      do {
        BookPage page = inv.reads.search(inv.state(), q, cursor, 2);
        page.books().forEach(b -> ids.add(b.id()));
        cursor = page.next();
      } while (cursor != null);
      return ids;
    }

    @Test
    void theLastWordMatchesAsAPrefixAndEachBookIsFoundOnce() {
      assertThat(search("dat")).containsExactlyInAnyOrder(2, 3, 4);
      assertThat(search("Distributed")).containsExactly(1);
    }

    @Test
    void earlierWordsMustBeWholeWordsOfTheTitle() {
      assertThat(search("the data")).containsExactly(4);
      assertThat(search("xen and the art")).containsExactly(5);
      assertThat(search("xe and")).isEmpty();
    }

    @Test
    void caseAndPunctuationDoNotMatter() {
      assertThat(search("DATA-intensive")).containsExactly(2);
      assertThat(search("  graduate,  ")).containsExactly(5);
    }

    @Test
    void nothingToSearchForFindsNothing() {
      assertThat(search("")).isEmpty();
      assertThat(search("!!!")).isEmpty();
      assertThat(search("zebra")).isEmpty();
    }

    @Test
    void aCursorOfAnotherSearchIsRefused() {
      BookPage page = inv.reads.search(inv.state(), "dat", null, 1);
      assertThat(page.next()).isNotNull();
      assertThatThrownBy(() -> inv.reads.search(inv.state(), "xen", page.next(), 1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> inv.reads.search(inv.state(), "dat", "%%%", 1))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSearchExaminesABoundedNumberOfEntriesAndTheCursorGoesOn() {
      List<Book> many = IntStream.rangeClosed(1, TitleSearch.MAX_EXAMINED + 50)
          .mapToObj(i -> book(i, (i > TitleSearch.MAX_EXAMINED ? "rare common " : "common ") + i, "t")).toList();
      StoredInventory big = withBooks(many);
      // "common" leads the index scan (the finished word); every candidate is checked for "rare".
      BookPage first = big.reads.search(big.state(), "common rare", null, 10);
      assertThat(first.books()).as("the budget ran out before any rare book").isEmpty();
      assertThat(first.next()).isNotNull();
      BookPage second = big.reads.search(big.state(), "common rare", first.next(), 100);
      assertThat(second.books()).hasSize(50);
    }
  }
}
