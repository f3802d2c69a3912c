package io.pygmy.bench;

import io.pygmy.http.HttpConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** The three ways the bench sends load: one request after another, closed loop, and open loop. */
final class Load {
  /** Bound on clients of one closed- or open-loop phase: each is a thread with its own connection. */
  static final int MAX_CLIENTS = 512;
  /** Highest latency the open-loop histograms track; longer ones are clamped to it. */
  static final long HISTOGRAM_MAX_NANOS = Duration.ofMinutes(2).toNanos();

  private Load() {}

  /** Counters of one client thread, merged after the phase. */
  static final class Tally {
    final Samples latency = new Samples();
    long ok;
    long confirmedBuys;
    long outOfStock;
    long errors;

    void count(Request.Outcome o) {
      switch (o.result()) {
        case OK -> {
          ok++;
          if (o.kind() == Request.Kind.BUY) {
            confirmedBuys++;
          }
        }
        case OUT_OF_STOCK -> outOfStock++;
        case ERROR -> errors++;
      }
    }

    void merge(Tally t) {
      latency.addAll(t.latency);
      ok += t.ok;
      confirmedBuys += t.confirmedBuys;
      outOfStock += t.outOfStock;
      errors += t.errors;
    }
  }

  /** A source of requests for one client: each client has its own random stream. */
  interface Source {
    Request next(SplittableRandom random);
  }

  /**
   * {@code clients} threads, each sending its next request as soon as the last one is answered, for
   * {@code measure} after {@code settle} (connections opened, caches filled) that is not counted.
   * Counted are the requests that complete inside the measured window (so throughput is completions per
   * second even when one request is slower than the window); latencies of answered requests (OK or out
   * of stock) are kept, errors only counted.
   */
  static BenchResult.ScalePoint closedLoop(HttpConnection.Factory store, String workload, Source source, int clients,
                                           Duration settle, Duration measure, long seed, Progress progress) {
    if (clients < 1 || clients > MAX_CLIENTS) {
      throw new IllegalArgumentException("clients must be in 1.." + MAX_CLIENTS);
    }
    long begin = System.nanoTime();
    long measureFrom = begin + settle.toNanos();
    long end = measureFrom + measure.toNanos();
    AtomicLong done = new AtomicLong();
    List<Tally> tallies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int i = 0; i < clients; i++) {
      Tally tally = new Tally();
      tallies.add(tally);
      SplittableRandom random = seeds.split();
      threads.add(Thread.ofPlatform().name("bench-client-" + i).daemon().start(() -> {
        try (HttpConnection c = store.connect()) {
          while (true) {
            Request.Outcome o = source.next(random).send(c);
            if (o.endNanos() >= end) {
              break;
            }
            if (o.endNanos() >= measureFrom) {
              tally.count(o);
              if (o.result() != Request.Result.ERROR) {
                tally.latency.add(o.latencyNanos());
              }
              done.incrementAndGet();
            }
          }
        }
      }));
    }
    awaitAll(threads, () -> progress.update("%s, %d clients: %.1f/%.1f s, %,d answers", workload, clients,
        Math.max(0, System.nanoTime() - measureFrom) / 1e9, measure.toNanos() / 1e9, done.get()));
    Tally all = new Tally();
    tallies.forEach(all::merge);
    double seconds = measure.toNanos() / 1e9;
    return new BenchResult.ScalePoint(workload, clients, seconds, all.ok, all.confirmedBuys, all.outOfStock,
        all.errors, all.ok / seconds, all.latency.summary());
  }

  /**
   * Requests due at a fixed rate for {@code duration}, sent by up to {@code maxConcurrency} threads. When
   * every thread is busy, due requests wait; their latency counts from when they were due, so a store
   * that stalls is charged for every request it delayed (coordinated omission corrected, as wrk2 does).
   */
  static BenchResult.OpenLoop openLoop(HttpConnection.Factory store, String workload, Source source, int ratePerSecond,
                                       Duration duration, int maxConcurrency, long seed, Progress progress) {
    if (ratePerSecond < 1 || maxConcurrency < 1 || maxConcurrency > MAX_CLIENTS) {
      throw new IllegalArgumentException("rate must be positive and concurrency in 1.." + MAX_CLIENTS);
    }
    long intervalNanos = 1_000_000_000L / ratePerSecond;
    long due = duration.toNanos() / intervalNanos;
    long t0 = System.nanoTime() + 10_000_000L;
    AtomicLong next = new AtomicLong();
    List<Histogram> corrected = new ArrayList<>();
    List<Histogram> service = new ArrayList<>();
    List<Tally> tallies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int i = 0; i < maxConcurrency; i++) {
      Histogram hc = new Histogram(HISTOGRAM_MAX_NANOS, 3);
      Histogram hs = new Histogram(HISTOGRAM_MAX_NANOS, 3);
      Tally tally = new Tally();
      corrected.add(hc);
      service.add(hs);
      tallies.add(tally);
      SplittableRandom random = seeds.split();
      threads.add(Thread.ofPlatform().name("bench-open-" + i).daemon().start(() -> {
        try (HttpConnection c = store.connect()) {
          for (long k = next.getAndIncrement(); k < due; k = next.getAndIncrement()) {
            long dueAt = t0 + k * intervalNanos;
            for (long wait = dueAt - System.nanoTime(); wait > 0; wait = dueAt - System.nanoTime()) {
              LockSupport.parkNanos(wait);
            }
            Request.Outcome o = source.next(random).send(c);
            tally.count(o);
            if (o.result() != Request.Result.ERROR) {
              hc.recordValue(Math.min(HISTOGRAM_MAX_NANOS, o.endNanos() - dueAt));
              hs.recordValue(Math.min(HISTOGRAM_MAX_NANOS, o.latencyNanos()));
            }
          }
        }
      }));
    }
    awaitAll(threads, () -> progress.update("open loop %s at %,d/s: %,d of %,d due sent", workload, ratePerSecond,
        Math.min(next.get(), due), due));
    double seconds = (System.nanoTime() - t0) / 1e9;
    Histogram hc = new Histogram(HISTOGRAM_MAX_NANOS, 3);
    Histogram hs = new Histogram(HISTOGRAM_MAX_NANOS, 3);
    corrected.forEach(hc::add);
    service.forEach(hs::add);
    Tally all = new Tally();
    tallies.forEach(all::merge);
    return new BenchResult.OpenLoop(workload, ratePerSecond, duration.toNanos() / 1e9, due, all.ok, all.errors,
        all.ok / seconds, maxConcurrency, LatencySummary.ofHistogram(hc), LatencySummary.ofHistogram(hs));
  }

  /** Joins the threads, calling {@code tick} every 100 ms meanwhile (for progress). */
  static void awaitAll(List<Thread> threads, Runnable tick) {
    for (Thread t : threads) {
      try {
        while (!t.join(Duration.ofMillis(100))) {
          tick.run();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the load ran");
      }
    }
  }
}
