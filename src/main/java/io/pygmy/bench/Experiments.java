package io.pygmy.bench;

import io.pygmy.http.HttpConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The measurements of the seed's section 4 and beyond, each against a {@link Store}. */
final class Experiments {
  /** Stock a buy phase wants per item before it starts (restocked with the admin token when short). */
  static final long STOCK_WANTED = 5_000_000;
  /** Rounds of "read right after an invalidation" are a fifth of the requests, within these bounds. */
  static final int MIN_INVALIDATION_ROUNDS = 10;
  static final int MAX_INVALIDATION_ROUNDS = 200;

  private final Store store;
  private final List<Store.Book> readBooks;
  private final List<Store.Book> buyBooks;
  private final long seed;
  private final Progress progress;
  private final List<String> notes;

  Experiments(Store store, List<Store.Book> readBooks, List<Store.Book> buyBooks, long seed, Progress progress,
              List<String> notes) {
    if (readBooks.isEmpty() || buyBooks.isEmpty()) {
      throw new IllegalArgumentException("need books to read and to buy");
    }
    this.store = store;
    this.readBooks = readBooks;
    this.buyBooks = buyBooks;
    this.seed = seed;
    this.progress = progress;
    this.notes = notes;
  }

  // ---------------------------------------------------------------- warm-up

  /** Mixed traffic at 16 clients, half buying, half reading: JIT, Raft log and connections warm up. */
  BenchResult.Warmup warmup(Duration duration) {
    progress.phase("warm-up for " + duration.toSeconds() + " s (Ratis throughput climbs for about 90 s)");
    SplittableRandom r0 = new SplittableRandom(seed ^ 0x5eed);
    BenchResult.ScalePoint p = Load.closedLoop(store, "warm-up", random -> random.nextBoolean()
            ? Workload.BUY.next(random, readBooks, buyBooks) : Workload.LOOKUP.next(random, readBooks, buyBooks),
        16, Duration.ZERO, duration, r0.nextLong(), progress);
    progress.finishLine();
    return new BenchResult.Warmup(duration.toNanos() / 1e9, p.ok() + p.outOfStock() + p.errors(), p.errors());
  }

  // ---------------------------------------------------------------- tiers (seed Tables 2 and 3)

  List<BenchResult.TierRun> tiers(int requests) {
    List<BenchResult.TierRun> runs = new ArrayList<>();
    List<Boolean> cacheStates = store.hasAdmin() ? List.of(true, false) : java.util.Collections.singletonList(null);
    if (!store.hasAdmin()) {
      notes.add("tiers: no admin token, so the cache could not be switched; measured as the store is configured");
    }
    try {
      for (Boolean cache : cacheStates) {
        if (cache != null) {
          store.setCache(cache);
        }
        for (Request.Kind kind : Request.Kind.values()) {
          progress.phase(String.format("tiers: %d sequential %s requests, cache %s", requests,
              kind.name().toLowerCase(java.util.Locale.ROOT), cache == null ? "as configured" : cache ? "on" : "off"));
          runs.add(sequential(kind.name().toLowerCase(java.util.Locale.ROOT), cache, null, kind, requests));
        }
      }
    } finally {
      if (store.hasAdmin()) {
        store.setCache(true);
      }
    }
    return runs;
  }

  /** {@code requests} requests of one kind on one connection, one after another. */
  private BenchResult.TierRun sequential(String label, Boolean cache, Boolean invalidation, Request.Kind kind,
                                         int requests) {
    SplittableRandom random = new SplittableRandom(seed ^ label.hashCode());
    TierSamples samples = new TierSamples();
    Load.Tally tally = new Load.Tally();
    try (HttpConnection c = store.connect()) {
      for (int i = 0; i < requests; i++) {
        Request.Outcome o = requestOf(kind, random).send(c);
        tally.count(o);
        if (o.result() != Request.Result.ERROR) {
          samples.record(o.latencyNanos(), o.serverTiming());
        }
        progress.update("%s: %d/%d", label, i + 1, requests);
      }
    }
    progress.finishLine();
    return new BenchResult.TierRun(label, cache, invalidation, requests, (int) tally.ok, (int) tally.outOfStock,
        (int) tally.errors, samples.cacheHits(), samples.summaries());
  }

  private Request requestOf(Request.Kind kind, SplittableRandom random) {
    return switch (kind) {
      case SEARCH -> Workload.SEARCH.next(random, readBooks, buyBooks);
      case LOOKUP -> Workload.LOOKUP.next(random, readBooks, buyBooks);
      case BUY -> Workload.BUY.next(random, readBooks, buyBooks);
    };
  }

  // ---------------------------------------------------------------- invalidation (seed Table 4)

  BenchResult.Invalidation invalidation(int requests) {
    if (!store.hasAdmin()) {
      notes.add("invalidation: skipped, the invalidation switch needs the admin token");
      return null;
    }
    List<BenchResult.TierRun> buys = new ArrayList<>();
    store.setCache(true);
    try {
      for (boolean on : new boolean[] {true, false}) {
        store.setInvalidation(on);
        progress.phase(requests + " sequential buys, cache invalidation " + (on ? "on" : "off"));
        buys.add(sequential("buy", true, on, Request.Kind.BUY, requests));
      }
    } finally {
      store.setInvalidation(true);
    }
    int rounds = Math.max(MIN_INVALIDATION_ROUNDS, Math.min(MAX_INVALIDATION_ROUNDS, requests / 5));
    progress.phase(rounds + " reads right after an invalidation (lookup, then buy, then lookup and search again)");
    return new BenchResult.Invalidation(buys, overhead(buys.get(0), buys.get(1)), readsAfterInvalidation(rounds));
  }

  /** Per series, how much longer the mean is with invalidation than without, in percent (seed Table 4). */
  static Map<String, Double> overhead(BenchResult.TierRun with, BenchResult.TierRun without) {
    Map<String, Double> out = new LinkedHashMap<>();
    with.latency().forEach((tier, w) -> {
      LatencySummary wo = without.latency().get(tier);
      if (wo != null && wo.meanMs() > 0) {
        out.put(tier, Math.round((w.meanMs() - wo.meanMs()) / wo.meanMs() * 1000) / 10.0);
      }
    });
    return out;
  }

  /**
   * Each round fills the cache for an item and its topic, measures a hit, buys the item (the catalog
   * invalidates both keys before it acknowledges), then measures the lookup and the search that follow:
   * both must miss the cache.
   */
  private List<BenchResult.TierRun> readsAfterInvalidation(int rounds) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x1a7);
    TierSamples hit = new TierSamples();
    TierSamples lookupMiss = new TierSamples();
    TierSamples searchMiss = new TierSamples();
    Load.Tally[] tallies = {new Load.Tally(), new Load.Tally(), new Load.Tally()};
    try (HttpConnection c = store.connect()) {
      for (int i = 0; i < rounds; i++) {
        Store.Book book = buyBooks.get(random.nextInt(buyBooks.size()));
        Request.lookup(book.id()).send(c);
        record(Request.lookup(book.id()).send(c), hit, tallies[0]);
        Request.search(book.topic()).send(c);
        Request.buy(book.id()).send(c);
        record(Request.lookup(book.id()).send(c), lookupMiss, tallies[1]);
        record(Request.search(book.topic()).send(c), searchMiss, tallies[2]);
        progress.update("round %d/%d", i + 1, rounds);
      }
    }
    progress.finishLine();
    return List.of(run("lookup, cached", hit, tallies[0], rounds),
        run("lookup after invalidation", lookupMiss, tallies[1], rounds),
        run("search after invalidation", searchMiss, tallies[2], rounds));
  }

  private static void record(Request.Outcome o, TierSamples samples, Load.Tally tally) {
    tally.count(o);
    if (o.result() != Request.Result.ERROR) {
      samples.record(o.latencyNanos(), o.serverTiming());
    }
  }

  private static BenchResult.TierRun run(String label, TierSamples s, Load.Tally t, int requests) {
    return new BenchResult.TierRun(label, true, true, requests, (int) t.ok, (int) t.outOfStock, (int) t.errors,
        s.cacheHits(), s.summaries());
  }

  // ---------------------------------------------------------------- scale

  BenchResult.Scale scale(List<Workload> workloads, List<Integer> clients, Duration point, int openRate,
                          Duration openDuration, Integer drainItem) {
    List<BenchResult.ScalePoint> points = new ArrayList<>();
    List<BenchResult.StockCheck> checks = new ArrayList<>();
    Duration settle = Duration.ofMillis(Math.min(1000, point.toMillis() / 5));
    for (Workload w : workloads) {
      long before = w.buys() ? totalStock() : 0;
      long confirmed = 0;
      long errors = 0;
      for (int n : clients) {
        progress.phase(String.format("scale: %s, %d closed-loop clients, %d s", w.id(), n, point.toSeconds()));
        BenchResult.ScalePoint p = Load.closedLoop(store, w.id(), random -> w.next(random, readBooks, buyBooks), n,
            settle, point, seed ^ (31L * n + w.ordinal()), progress);
        progress.finishLine();
        points.add(p);
        confirmed += p.confirmedBuys();
        errors += p.errors();
      }
      if (w.buys()) {
        // Buys during the settle periods are not in the points: count them from the store instead of guessing.
        checks.add(stockCheck("scale " + w.id(), before, totalStock(), -1, errors));
      }
    }
    BenchResult.OpenLoop open = null;
    if (openRate > 0) {
      progress.phase(String.format("scale: open loop, mix at %,d requests/s for %d s", openRate,
          openDuration.toSeconds()));
      open = Load.openLoop(store, Workload.MIX.id(), random -> Workload.MIX.next(random, readBooks, buyBooks),
          openRate, openDuration, Math.min(Load.MAX_CLIENTS, 64), seed ^ 0x0be, progress);
      progress.finishLine();
    }
    if (drainItem != null) {
      checks.add(drain(drainItem, clients.stream().mapToInt(Integer::intValue).max().orElse(16)));
    }
    return new BenchResult.Scale(points, open, checks);
  }

  private long totalStock() {
    long sum = 0;
    for (Store.Book b : buyBooks) {
      sum += store.stock(b.id());
    }
    return sum;
  }

  /**
   * Stock taken versus buys confirmed. With {@code confirmed} negative (unknown), only checks that no
   * stock went below zero and that stock only went down.
   */
  private BenchResult.StockCheck stockCheck(String phase, long before, long after, long confirmed, long errors) {
    boolean consistent = after >= 0 && after <= before
        && (confirmed < 0 || (before - after >= confirmed && before - after <= confirmed + errors));
    String detail = confirmed < 0 ? (before - after) + " copies taken; buys of the settle periods are not counted"
        : (before - after) + " copies taken for " + confirmed + " confirmed buys and " + errors + " unanswered";
    return new BenchResult.StockCheck(phase, buyBooks.stream().map(Store.Book::id).toList(), before, after,
        confirmed, errors, consistent, detail);
  }

  /**
   * Zero oversell: {@code clients} buy one scarce item until each has been told it is out of stock (or a
   * time limit passes). Every copy taken must be a confirmed buy (or an unanswered one that went through),
   * stock never goes below zero, and when it sold out, exactly the stock there was was sold.
   */
  private BenchResult.StockCheck drain(int item, int clients) {
    long before = store.stock(item);
    progress.phase(String.format("oversell check: %d clients buy item %d (stock %d) until it is sold out",
        clients, item, before));
    Duration limit = Duration.ofSeconds(Math.max(60, before / 20));
    long deadline = System.nanoTime() + limit.toNanos();
    Load.Tally[] tallies = new Load.Tally[clients];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Load.Tally t = tallies[i] = new Load.Tally();
      threads.add(Thread.ofPlatform().daemon().name("bench-drain-" + i).start(() -> {
        try (HttpConnection c = store.connect()) {
          while (t.outOfStock == 0 && System.nanoTime() < deadline) {
            t.count(Request.buy(item).send(c));
          }
        }
      }));
    }
    Load.awaitAll(threads, () -> progress.update("drain: %d s of at most %d", (System.nanoTime() - deadline
        + limit.toNanos()) / 1_000_000_000L, limit.toSeconds()));
    progress.finishLine();
    Load.Tally all = new Load.Tally();
    for (Load.Tally t : tallies) {
      all.merge(t);
    }
    long after = store.stock(item);
    boolean soldOut = all.outOfStock > 0;
    boolean consistent = drainConsistent(before, after, all.confirmedBuys, all.errors, soldOut);
    String detail = all.confirmedBuys + " confirmed of " + before + " in stock, " + all.outOfStock
        + " told out of stock, " + all.errors + " unanswered, " + after + " left"
        + (soldOut ? "" : "; did not sell out within " + limit.toSeconds() + " s (checked conservation only)");
    return new BenchResult.StockCheck("drain item " + item, List.of(item), before, after, all.confirmedBuys,
        all.errors, consistent, detail);
  }

  /**
   * No copy sold twice, none lost: the copies taken are the confirmed buys plus at most the unanswered
   * ones, stock never below zero, and a sold-out item has none left.
   */
  static boolean drainConsistent(long before, long after, long confirmed, long unanswered, boolean soldOut) {
    long taken = before - after;
    return after >= 0 && taken >= confirmed && taken <= confirmed + unanswered && confirmed <= before
        && (!soldOut || after == 0);
  }
}
