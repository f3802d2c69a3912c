package io.pygmy.it;

import io.pygmy.http.HttpConnection;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop buyers for integration tests: {@code clients} threads, each on its own kept-alive connection
 * to a frontend, buying one copy of an item at a time with a fresh idempotency key, until {@code orders}
 * buys are confirmed. Every answer that is not 201 is counted by status, so a test can say none failed.
 */
final class Buyers {
  final LongAdder confirmed = new LongAdder();
  final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
  final AtomicLong highestOrderId = new AtomicLong();
  /** The ids of every confirmed order (kept only when asked: {@link #keepIds}). */
  final java.util.Set<Long> confirmedIds = ConcurrentHashMap.newKeySet();
  private volatile boolean keepIds;
  private volatile boolean stopped;
  private final List<String> firstRefusals = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Buys until {@code orders} are confirmed; items cycle over 1..items. */
  Buyers run(String frontend, int clients, long orders, int items) throws InterruptedException {
    AtomicLong started = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(Thread.ofVirtual().name("buyer-" + c).start(() -> {
        try (HttpConnection conn = new HttpConnection(URI.create(frontend), 30_000)) {
          for (long n = started.incrementAndGet(); n <= orders && !stopped; n = started.incrementAndGet()) {
            int item = (int) (n % items) + 1;
            byte[] body = ("{\"item\":" + item + ",\"quantity\":1}").getBytes(StandardCharsets.UTF_8);
            HttpConnection.Response r = conn.post("/api/orders", body, "Idempotency-Key", "buyer-" + client + "-" + n);
            if (r.status() == 201) {
              confirmed.increment();
              long id = idOf(r.text());
              highestOrderId.accumulateAndGet(id, Math::max);
              if (keepIds) {
                confirmedIds.add(id);
              }
            } else {
              refused.computeIfAbsent(Integer.toString(r.status()), k -> new LongAdder()).increment();
              if (firstRefusals.size() < 5) {
                firstRefusals.add(r.status() + " " + r.text());
              }
            }
          }
        } catch (IOException e) {
          // The frontend closed the connection (it is being restarted): counted, and this client stops.
          refused.computeIfAbsent("io", k -> new LongAdder()).increment();
          firstRefusals.add("io " + e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return this;
  }

  /** Keeps the id of every confirmed order, for a test that checks none is lost. */
  Buyers keepIds() {
    keepIds = true;
    return this;
  }

  /** Buys in the background until {@link #stop}; join the thread it returns. */
  Thread runInBackground(String frontend, int clients, int items) {
    return Thread.ofPlatform().name("buyers").start(() -> {
      try {
        run(frontend, clients, Long.MAX_VALUE, items);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  void stop() {
    stopped = true;
  }

  long refusedCount() {
    return refused.values().stream().mapToLong(LongAdder::sum).sum();
  }

  @Override
  public String toString() {
    return confirmed.sum() + " confirmed, refused " + refused + " " + firstRefusals;
  }

  private static long idOf(String json) {
    int at = json.indexOf("\"id\":");
    if (at < 0) {
      return 0;
    }
    int end = at + 5;
    while (end < json.length() && Character.isDigit(json.charAt(end))) {
      end++;
    }
    return Long.parseLong(json.substring(at + 5, end));
  }
}
