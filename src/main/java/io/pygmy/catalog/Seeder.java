package io.pygmy.catalog;

import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the initial books into an empty catalog group, from its leader: the books file in parts of at
 * most {@link CatalogCommand.Seed#MAX_BOOKS}, one log entry each, in order. Parts apply once each, so a
 * leader that dies half-way leaves its successor to go on from the first part not yet applied; every
 * replica reads the same file.
 */
final class Seeder {
  private static final Logger LOG = LoggerFactory.getLogger(Seeder.class);

  private final BooksFile books;
  private final BooleanSupplier seeded;
  private final BooleanSupplier leads;
  private final IntSupplier partsApplied;
  private final Function<CatalogCommand.Seed, CatalogReply> write;

  Seeder(BooksFile books, BooleanSupplier seeded, BooleanSupplier leads, IntSupplier partsApplied,
         Function<CatalogCommand.Seed, CatalogReply> write) {
    this.books = books;
    this.seeded = seeded;
    this.leads = leads;
    this.partsApplied = partsApplied;
    this.write = write;
  }

  /** One attempt; true once the catalog is seeded (then it need not run again). Never throws. */
  boolean runOnce() {
    try {
      if (seeded.getAsBoolean()) {
        return true;
      }
      if (!leads.getAsBoolean()) {
        return false;
      }
      int from = partsApplied.getAsInt();
      long started = System.nanoTime();
      books.parts(from, (part, list, last) -> {
        if (!leads.getAsBoolean()) {
          throw new StoppedLeading();
        }
        CatalogReply reply = write.apply(new CatalogCommand.Seed(list, part, last));
        if (!reply.ok()) {
          throw new IllegalStateException("seed part " + part + " refused: " + reply.message());
        }
        if (last || part % 100 == 0) {
          LOG.info("seeding: part {} applied ({})", part, reply.message());
        }
      });
      LOG.info("seeded {} books in {} ms", books.count(), (System.nanoTime() - started) / 1_000_000);
      return seeded.getAsBoolean();
    } catch (StoppedLeading e) {
      LOG.info("seeding paused: this replica no longer leads; the next leader goes on");
      return false;
    } catch (RuntimeException e) {
      LOG.warn("seeding failed, will retry: {}", e.toString());
      return false;
    }
  }

  private static final class StoppedLeading extends RuntimeException {
    StoppedLeading() {
      super(null, null, false, false);
    }
  }
}
