package io.pygmy.bench;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * {@code pygmy bench -e soak}: buys at full rate until millions of orders are confirmed, one row per
 * interval (rate, latency, failures, each node's memory and disk), memory idle and after, and the
 * catch-up of two followers killed half-way. Meant to show whether the store keeps selling with memory
 * flat; a store that refuses buys (503 capacity_exhausted) shows as failures, and the soak ends when no
 * buy has been confirmed for {@link #STALL_LIMIT}.
 */
final class SoakExperiment {
  /** The soak gives up when no buy was confirmed for this long (a store that only refuses). */
  static final Duration STALL_LIMIT = Duration.ofSeconds(60);
  /** Status polls per interval at most once a second: seven small requests, next to thousands of buys. */
  private static final long POLL_NANOS = 1_000_000_000L;

  private final Store store;
  private final List<Store.Book> buyBooks;
  private final SoakOptions options;
  private final int clients;
  private final Progress progress;
  private final BooleanSupplier stopRequested;
  private final List<String> notes = new ArrayList<>();
  private Duration stallLimit = STALL_LIMIT;

  SoakExperiment(Store store, List<Store.Book> buyBooks, SoakOptions options, int clients, Progress progress,
                 BooleanSupplier stopRequested) {
    this.store = store;
    this.buyBooks = buyBooks;
    this.options = options;
    this.clients = clients;
    this.progress = progress;
    this.stopRequested = stopRequested;
  }

  /** A shorter give-up time, for tests against a fake store. */
  SoakExperiment stallLimit(Duration limit) {
    this.stallLimit = limit;
    return this;
  }

  SoakResult run() {
    Optional<LocalCluster> cluster = store.cluster();
    ClusterSampler sampler = cluster.map(ClusterSampler::new).orElse(null);
    List<Integer> items = buyBooks.stream().map(Store.Book::id).toList();
    long restartAt = sampler == null ? 0 : options.restartAt();
    progress.phase(String.format(Locale.ROOT, "soak: %,d orders from %d clients over items %s; a row every %s%s",
        options.orders, clients, items, io.pygmy.cli.DurationText.format(options.interval),
        restartAt > 0 ? String.format(Locale.ROOT, "; followers killed at %,d orders", restartAt) : ""));
    if (sampler == null) {
      notes.add("soak: no memory, disk or catch-up figures: they need a cluster the bench controls "
          + "(--start, or --data DIR of `pygmy up`)");
    }
    restock(items, cluster.map(c -> c.config().settings()).orElse(Settings.defaults()).maxStock());
    SoakResult.Memory idle = sampler == null ? null : memory(sampler, () -> 0, "idle, before the load");

    long t0 = System.nanoTime();
    SoakLoad load = new SoakLoad(store, items, options.orders, t0);
    load.start(clients);
    CatchUp catchUp = restartAt > 0 ? new CatchUp(cluster.orElseThrow(), () -> load.counts().confirmed(),
        restartAt, options.down, options.wipe, options.catchUpTimeout, t0, progress) : null;
    if (catchUp != null) {
      catchUp.start();
    }
    SoakSeries series = new SoakSeries();
    boolean interrupted = measure(load, sampler, catchUp, series, t0);
    load.stop();
    if (catchUp != null && interrupted) {
      catchUp.abort();
    }
    load.awaitStopped();
    if (catchUp != null && load.counts().confirmed() < restartAt) {
      catchUp.abort(); // the load gave up before the restart point: nothing to kill
      notes.add(String.format(Locale.ROOT, "soak: ended before %,d confirmed orders; no follower was restarted",
          restartAt));
    }
    double end = (System.nanoTime() - t0) / 1e9;
    if (end > series.lastEndSeconds()) {
      row(series, end, load, sampler, catchUp); // the last, partial interval
    }
    List<SoakResult.CatchUp> catchUps = List.of();
    if (catchUp != null) {
      catchUp.await(stopRequested);
      catchUps = catchUp.results();
      notes.addAll(catchUp.notes());
      List<String> late = catchUp.drainEvents();
      if (!late.isEmpty()) {
        notes.add("soak: after the load had ended: " + String.join("; ", late));
      }
    }
    SoakResult.Memory after = sampler == null ? null
        : memory(sampler, () -> Math.round((System.nanoTime() - t0) / 1e6) / 1000.0, "after the load");
    interrupted |= stopRequested.getAsBoolean(); // Ctrl-C while the followers were still catching up
    if (interrupted) {
      notes.add("soak: interrupted; a partial report (memory after the load measured without a settle)");
    }
    SoakLoad.Counts total = load.counts();
    return new SoakResult(options.resolved(clients, items), interrupted, Math.round(end * 1000) / 1000.0,
        total.confirmed(), total.outOfStock(), total.failed(), total.failuresByCause(), load.firstFailures(), idle,
        after, series.rows(), catchUps, List.copyOf(notes));
  }

  /** Rows until the orders are confirmed; true when asked to stop (Ctrl-C). */
  private boolean measure(SoakLoad load, ClusterSampler sampler, CatchUp catchUp, SoakSeries series, long t0) {
    long intervalNanos = options.interval.toNanos();
    long pollNanos = Math.min(intervalNanos, POLL_NANOS);
    long nextRow = t0 + intervalNanos;
    long nextPoll = t0 + pollNanos;
    long lastConfirmed = 0;
    long lastProgressAt = t0;
    while (!load.finished()) {
      if (stopRequested.getAsBoolean()) {
        return true;
      }
      long now = System.nanoTime();
      long confirmed = load.counts().confirmed();
      if (confirmed > lastConfirmed) {
        lastConfirmed = confirmed;
        lastProgressAt = now;
      } else if (now - lastProgressAt > stallLimit.toNanos()) {
        notes.add(String.format(Locale.ROOT, "soak: stopped after %,d confirmed orders: none confirmed for %s",
            confirmed, io.pygmy.cli.DurationText.format(stallLimit)));
        progress.note(notes.get(notes.size() - 1));
        return false;
      }
      if (now >= nextPoll) {
        if (sampler != null) {
          sampler.poll();
        }
        nextPoll += pollNanos;
        SoakLoad.Counts c = load.counts();
        progress.update("soak: %.0f s, %,d of %,d orders confirmed, %,d failed", (now - t0) / 1e9, c.confirmed(),
            options.orders, c.failed());
      }
      if (now >= nextRow) {
        row(series, (now - t0) / 1e9, load, sampler, catchUp);
        nextRow += intervalNanos;
      }
      pause(Math.max(1, Math.min(Math.min(nextRow, nextPoll) - System.nanoTime(), 100_000_000L)));
    }
    return false;
  }

  private void row(SoakSeries series, double endSeconds, SoakLoad load, ClusterSampler sampler, CatchUp catchUp) {
    List<SoakResult.NodeSample> nodes = sampler == null ? List.of() : sampler.sample();
    List<String> events = catchUp == null ? List.of() : catchUp.drainEvents();
    SoakResult.Row r = series.add(endSeconds, load.counts(), load.intervalLatency(), nodes, events);
    progress.note(String.format(Locale.ROOT, "%7.1f s  %,10d orders  %,7.0f buys/s  p50 %s  p99 %s ms  failed %d%s"
            + "  RSS %s  disk %s", r.endSeconds(), r.confirmedTotal(), r.buysPerSecond(), TextReport.ms(r.p50Ms()),
        TextReport.ms(r.p99Ms()), r.failed(), r.failures().isEmpty() ? "" : " (" + SoakText.causes(r.failures()) + ")",
        SoakText.mib(r.totalRssBytes()), SoakText.mib(r.totalDiskBytes())));
  }

  /**
   * The cluster's memory after a quiet settle (the JVMs' collectors and compactions catch up); without
   * one when the soak was asked to stop.
   */
  private SoakResult.Memory memory(ClusterSampler sampler, DoubleSupplier atSeconds, String what) {
    Duration settle = options.settle();
    if (!settle.isZero() && !stopRequested.getAsBoolean()) {
      progress.note("settling " + settle.toSeconds() + " s before measuring memory " + what);
      long until = System.nanoTime() + settle.toNanos();
      while (!stopRequested.getAsBoolean() && System.nanoTime() < until) {
        pause(Math.min(100_000_000L, until - System.nanoTime()));
      }
    }
    SoakResult.Memory m = sampler.memory(atSeconds.getAsDouble());
    progress.note("cluster RSS " + what + ": " + SoakText.mib(m.totalRssBytes()));
    return m;
  }

  /**
   * Enough copies of every item for the whole soak: the clients take the items in turn, so each item
   * sells at most its share of the orders plus one per client, plus the orders in flight at the end.
   */
  private void restock(List<Integer> items, long maxStock) {
    long need = copiesNeeded(options.orders, items.size(), clients);
    if (need > maxStock) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--orders %,d needs %,d copies of each of "
          + "%d items, more than the store's maxStock of %,d", options.orders, need, items.size(), maxStock));
    }
    for (int item : items) {
      long stock = store.stock(item);
      if (stock >= need) {
        continue;
      }
      if (!store.hasAdmin()) {
        notes.add("soak: item " + item + " has " + stock + " copies of the " + need + " the soak may sell, and "
            + "there is no admin token to restock it: buys may be refused as out of stock");
      } else {
        store.restock(item, need - stock);
      }
    }
  }

  static long copiesNeeded(long orders, int items, int clients) {
    long share = (orders + clients + items - 1) / items;
    return share + clients + share / 100;
  }

  private static void pause(long nanos) {
    try {
      Thread.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
