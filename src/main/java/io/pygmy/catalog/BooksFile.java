package io.pygmy.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The initial books, {@code {"books":[{"id","title","topic","cost","stock"}, ...]}}: a file given with
 * {@code --books}, or the seed's seven bundled with the jar. Read as a stream, a part at a time, so a
 * catalog of millions of books never sits in memory whole. Checked once when the node starts (every book
 * well-formed, ids unique, at most {@code maxBooks}), so seeding cannot stop half-way on a bad book.
 */
public final class BooksFile {
  /** Above this, ids are not checked for uniqueness up front (the bit set would be large); the seed skips repeats. */
  private static final int MAX_CHECKED_ID = 100_000_000;

  private final Path file;
  private final long count;

  private BooksFile(Path file, long count) {
    this.file = file;
    this.count = count;
  }

  /** Checks {@code file} (null: the bundled books) and returns it, or fails naming the first problem. */
  public static BooksFile check(Path file, int maxBooks) {
    BitSet ids = new BitSet();
    long[] n = {0};
    read(file, PART_SIZE, part -> {
      for (Book b : part) {
        if (b.id() <= MAX_CHECKED_ID) {
          if (ids.get(b.id())) {
            throw new IllegalArgumentException("book id " + b.id() + " appears twice in " + name(file));
          }
          ids.set(b.id());
        }
        if (++n[0] > maxBooks) {
          throw new IllegalArgumentException(name(file) + " has more than maxBooks=" + maxBooks + " books");
        }
      }
    });
    if (n[0] == 0) {
      throw new IllegalArgumentException("no books in " + name(file));
    }
    return new BooksFile(file, n[0]);
  }

  private static final int PART_SIZE = CatalogCommand.Seed.MAX_BOOKS;

  public long count() {
    return count;
  }

  /** Parts of at most {@link CatalogCommand.Seed#MAX_BOOKS} books, in file order, from part {@code first} on. */
  public void parts(int first, PartConsumer consumer) {
    int[] index = {0};
    long[] seen = {0};
    read(file, PART_SIZE, part -> {
      int i = index[0]++;
      seen[0] += part.size();
      if (i >= first) {
        consumer.accept(i, part, seen[0] == count);
      }
    });
  }

  /** One part of the file: its number, its books, and whether it is the last. */
  @FunctionalInterface
  public interface PartConsumer {
    void accept(int part, List<Book> books, boolean last);
  }

  /** Every book of the file, for small catalogs and tests. */
  public List<Book> all() {
    List<Book> books = new ArrayList<>();
    read(file, PART_SIZE, books::addAll);
    return books;
  }

  private static void read(Path file, int partSize, Consumer<List<Book>> part) {
    try (InputStream in = file != null ? Files.newInputStream(file)
        : BooksFile.class.getResourceAsStream("/books.json");
         JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(name(file) + " is not {\"books\": [...]}");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        if (!p.currentName().equals("books") || p.nextToken() != JsonToken.START_ARRAY) {
          throw new IllegalArgumentException(name(file) + " is not {\"books\": [...]}");
        }
        List<Book> books = new ArrayList<>(partSize);
        while (p.nextToken() != JsonToken.END_ARRAY) {
          books.add(readBook(p, file));
          if (books.size() == partSize) {
            part.accept(books);
            books = new ArrayList<>(partSize);
          }
        }
        if (!books.isEmpty()) {
          part.accept(books);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read books from " + name(file) + ": " + e.getMessage(), e);
    }
  }

  private static Book readBook(JsonParser p, Path file) throws IOException {
    try {
      return Json.ELEMENT_READER.forType(Book.class).readValue(p);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("a book in " + name(file) + " near line "
          + p.currentLocation().getLineNr() + " is malformed: " + e.getMessage(), e);
    }
  }

  private static String name(Path file) {
    return file != null ? file.toString() : "the bundled books.json";
  }
}
