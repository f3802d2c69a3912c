package io.pygmy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The soak's buyers: {@code clients} threads, each on its own connection, buying one copy at a time
 * until {@code orders} buys are confirmed (or {@link #stop}). Counters and a latency recorder that the
 * sampler reads once per interval; the clients never wait for it.
 */
final class SoakLoad {
  /** Failures whose detail is kept for the report; the rest are only counted by cause. */
  static final int FIRST_FAILURES_KEPT = 10;
  private static final int DETAIL_CHARS = 200;

  /** Running totals, read as a whole once per interval. */
  record Counts(long confirmed, long outOfStock, long failed, Map<String, Long> failuresByCause) {
    static final Counts ZERO = new Counts(0, 0, 0, Map.of());
  }

  private final HttpConnection.Factory store;
  private final List<Integer> items;
  private final long orders;
  private final long t0;
  private final AtomicLong confirmed = new AtomicLong();
  private final LongAdder outOfStock = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> failuresByCause = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> firstFailures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failuresKept = new AtomicInteger();
  // Answered buys only (201 and 409): a failure's time says nothing about how fast the store sells.
  private final Recorder latency = new Recorder(Load.HISTOGRAM_MAX_NANOS, 3);
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  SoakLoad(HttpConnection.Factory store, List<Integer> items, long orders, long t0) {
    if (items.isEmpty() || orders < 1) {
      throw new IllegalArgumentException("need items to buy and a positive number of orders");
    }
    this.store = store;
    this.items = List.copyOf(items);
    this.orders = orders;
    this.t0 = t0;
  }

  void start(int clients) {
    for (int i = 0; i < clients; i++) {
      int first = i;
      threads.add(Thread.ofPlatform().daemon().name("bench-soak-" + i).start(() -> buyLoop(first)));
    }
  }

  /**
   * Client {@code first} buys the items in turn starting from its own, so the copies taken spread evenly
   * over them and the restock before the soak can be exact.
   */
  private void buyLoop(int first) {
    try (HttpConnection c = store.connect()) {
      for (int k = first; !stop.get() && confirmed.get() < orders; k++) {
        buy(c, items.get(Math.floorMod(k, items.size())));
      }
    }
  }

  private void buy(HttpConnection c, int item) {
    long start = System.nanoTime();
    HttpConnection.Response r;
    try {
      r = c.post("/api/orders", ("{\"item\":" + item + ",\"quantity\":1}").getBytes(StandardCharsets.UTF_8),
          "Idempotency-Key", "soak-" + UUID.randomUUID());
    } catch (IOException | RuntimeException e) {
      fail("no answer", e.getClass().getSimpleName() + ": " + e.getMessage(), start);
      return;
    }
    long nanos = System.nanoTime() - start;
    switch (Request.classify(Request.Kind.BUY, r)) {
      case OK -> {
        confirmed.incrementAndGet();
        latency.recordValue(Math.min(Load.HISTOGRAM_MAX_NANOS, nanos));
      }
      case OUT_OF_STOCK -> {
        outOfStock.increment();
        latency.recordValue(Math.min(Load.HISTOGRAM_MAX_NANOS, nanos));
      }
      case ERROR -> fail(r.status() + " " + errorCode(r), r.text(), start);
    }
  }

  private void fail(String cause, String detail, long startNanos) {
    failed.increment();
    failuresByCause.computeIfAbsent(cause, k -> new LongAdder()).increment();
    if (failuresKept.getAndIncrement() < FIRST_FAILURES_KEPT) {
      String d = detail == null ? "" : detail.length() > DETAIL_CHARS ? detail.substring(0, DETAIL_CHARS) + "..."
          : detail;
      firstFailures.add(String.format(java.util.Locale.ROOT, "at %.1f s: %s: %s", (startNanos - t0) / 1e9, cause,
          d.replace('\n', ' ')));
    }
  }

  /** The error code of an error body ({@code {"error":{"code":...}}}), or "-" when it has none. */
  static String errorCode(HttpConnection.Response r) {
    try {
      JsonNode code = Json.MAPPER.readTree(r.body()).path("error").path("code");
      return code.isTextual() ? code.asText() : "-";
    } catch (IOException | RuntimeException e) {
      return "-";
    }
  }

  Counts counts() {
    Map<String, Long> causes = new TreeMap<>();
    failuresByCause.forEach((k, v) -> causes.put(k, v.sum()));
    return new Counts(confirmed.get(), outOfStock.sum(), failed.sum(), causes);
  }

  /** Latencies of the buys answered since the last call (the recorder swaps its histogram). */
  Histogram intervalLatency() {
    return latency.getIntervalHistogram();
  }

  List<String> firstFailures() {
    return List.copyOf(firstFailures);
  }

  boolean finished() {
    return threads.stream().noneMatch(Thread::isAlive);
  }

  void stop() {
    stop.set(true);
  }

  /** Waits until every client has returned from its last buy (each is bounded by the request timeout). */
  void awaitStopped() {
    for (Thread t : threads) {
      try {
        t.join(Duration.ofMillis(Store.REQUEST_TIMEOUT_MILLIS * 2L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
