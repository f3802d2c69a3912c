package io.pygmy.chaos;

import io.pygmy.client.StoreClient;
import io.pygmy.client.StoreException;
import io.pygmy.client.StoreUnreachableException;
import io.pygmy.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clients: buyers (random book, quantity 1-3, an idempotency key per buy, retried with the same key
 * on errors and timeouts as a real client would, failing over between frontends), readers (lookups and
 * searches), and one admin who restocks and raises costs. Every operation goes into the {@link History}.
 */
final class Workload implements AutoCloseable {
  /** Bounds of the client: one call, one operation with its retries, and the retries themselves. */
  record Limits(Duration callTimeout, Duration opDeadline, int maxAttempts, Duration adminPause) {
    static Limits defaults() {
      return new Limits(Duration.ofSeconds(25), Duration.ofSeconds(60), 6, Duration.ofMillis(300));
    }
  }

  private final List<String> frontends;
  private final String adminToken;
  private final Map<Integer, StoreState.Book> books;
  private final List<String> topics;
  private final long seed;
  private final History history;
  private final Limits limits;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();
  private final List<StoreClient> clients = new ArrayList<>();
  private final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Map<Integer, Long> costs = new ConcurrentHashMap<>();

  Workload(List<String> frontends, String adminToken, Map<Integer, StoreState.Book> books, List<String> topics,
           long seed, History history, Limits limits) {
    this.frontends = List.copyOf(frontends);
    this.adminToken = adminToken;
    this.books = Map.copyOf(books);
    this.topics = List.copyOf(topics);
    this.seed = seed;
    this.history = history;
    this.limits = limits;
    for (String f : frontends) {
      clients.add(new StoreClient(f, limits.callTimeout()));
    }
    books.values().forEach(b -> costs.put(b.id(), b.cost()));
  }

  void start(int buyersAndReaders) {
    threads.add(Thread.ofPlatform().name("chaos-admin").daemon().start(this::adminLoop));
    for (int p = 1; p <= buyersAndReaders; p++) {
      int process = p;
      threads.add(Thread.ofVirtual().name("chaos-client-" + p).start(() -> clientLoop(process)));
    }
  }

  /** Stops issuing operations and waits for those in flight (each is bounded by the op deadline). */
  @Override
  public void close() {
    stop.set(true);
    stopSignal.countDown();
    for (Thread t : threads) {
      try {
        t.join(limits.opDeadline().toMillis() + limits.callTimeout().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    clients.forEach(StoreClient::close);
    raw.close();
  }

  // ---------------------------------------------------------------- loops

  private void clientLoop(int process) {
    Random rng = new Random(seed * 1_000_003L + process);
    long n = 0;
    while (!stop.get()) {
      int item = randomItem(rng);
      int dice = rng.nextInt(100);
      if (dice < 45) {
        buy(process, rng, item, 1 + rng.nextInt(3), "buy-" + seed + "-" + process + "-" + (++n));
      } else if (dice < 80) {
        read(process, rng, Op.Kind.LOOKUP, item, null);
      } else {
        read(process, rng, Op.Kind.SEARCH, 0, topics.get(rng.nextInt(topics.size())));
      }
      pause(10 + rng.nextInt(30));
    }
  }

  private void adminLoop() {
    Random rng = new Random(seed * 1_000_003L);
    long n = 0;
    while (!stop.get()) {
      int item = randomItem(rng);
      String key = "admin-" + seed + "-" + (++n);
      if (rng.nextInt(100) < 75) {
        write(0, rng, Op.Kind.RESTOCK, item, 5 + rng.nextInt(16), key);
      } else {
        write(0, rng, Op.Kind.SET_COST, item, costs.merge(item, 1L + rng.nextInt(5), Long::sum), key);
      }
      pause(limits.adminPause().toMillis() / 2 + rng.nextInt((int) limits.adminPause().toMillis()));
    }
  }

  private int randomItem(Random rng) {
    List<Integer> ids = books.keySet().stream().sorted().toList();
    return ids.get(rng.nextInt(ids.size()));
  }

  // ---------------------------------------------------------------- operations

  /** A read; when its frontend does not answer at all, the next one is tried (reads have no effect). */
  private void read(int process, Random rng, Op.Kind kind, int item, String topic) {
    int first = rng.nextInt(clients.size());
    for (int a = 0; a < clients.size(); a++) {
      if (readFrom(clients.get((first + a) % clients.size()), process, kind, item, topic, a + 1 == clients.size())) {
        return;
      }
    }
  }

  /** Records the read and returns true, or returns false when unreachable and {@code last} is false. */
  private boolean readFrom(StoreClient client, int process, Op.Kind kind, int item, String topic, boolean last) {
    long start = history.now();
    try {
      List<Op.Observation> seen = new ArrayList<>();
      if (kind == Op.Kind.LOOKUP) {
        StoreClient.Book b = client.lookup(item).value();
        seen.add(new Op.Observation(b.id(), b.stock(), b.cost()));
      } else {
        for (StoreClient.Book b : client.search(topic).value()) {
          seen.add(new Op.Observation(b.id(), b.stock(), b.cost()));
        }
      }
      history.add(new Op(history.nextId(), process, kind, item, topic, 0, start, history.now(), Op.Outcome.OK, null,
          null, seen, List.of(), null));
    } catch (StoreUnreachableException e) {
      if (!last) {
        return false;
      }
      history.add(new Op(history.nextId(), process, kind, item, topic, 0, start, history.now(), Op.Outcome.FAILED,
          null, null, null, List.of(), e.getMessage()));
    } catch (StoreException e) {
      history.add(new Op(history.nextId(), process, kind, item, topic, 0, start, history.now(), Op.Outcome.FAILED,
          null, null, null, List.of(), e.getMessage()));
    }
    return true;
  }

  private void buy(int process, Random rng, int item, int quantity, String key) {
    write(process, rng, Op.Kind.BUY, item, quantity, key);
  }

  /** A write, retried with the same key until it has a definite answer or the op deadline passes. */
  private void write(int process, Random rng, Op.Kind kind, int item, long amount, String key) {
    long start = history.now();
    long deadline = start + limits.opDeadline().toNanos();
    List<Op.Attempt> attempts = new ArrayList<>();
    int first = rng.nextInt(clients.size());
    String lastError = null;
    for (int a = 0; a < limits.maxAttempts() && history.now() < deadline; a++) {
      if (a > 0) {
        pause(Math.min(1000, 100L << Math.min(a - 1, 4)));
      }
      int f = (first + a) % clients.size();
      long attemptStart = history.now();
      try {
        Op done = call(process, kind, item, amount, key, clients.get(f), start, attempts, f, attemptStart);
        if (done != null) {
          history.add(done);
          return;
        }
        lastError = "503";
      } catch (StoreUnreachableException e) {
        attempts.add(new Op.Attempt(attemptStart, history.now(), frontends.get(f), -1, e.timedOut() ? "timeout"
            : "unreachable", null));
        lastError = e.getMessage();
      } catch (StoreException e) {
        attempts.add(new Op.Attempt(attemptStart, history.now(), frontends.get(f), e.status(), e.code(), null));
        lastError = e.status() + " " + e.code() + ": " + e.getMessage();
        if (e.status() < 500) {
          // A definite refusal: nothing happened, and retrying would not change that.
          history.add(new Op(history.nextId(), process, kind, item, key, amount, start, history.now(),
              Op.Outcome.FAILED, null, null, null, attempts, lastError));
          return;
        }
      }
    }
    history.add(new Op(history.nextId(), process, kind, item, key, amount, start, Op.NEVER, Op.Outcome.UNKNOWN, null,
        null, null, attempts, lastError));
  }

  /** One attempt; returns the finished op on a definite answer. Throws on no answer or an error status. */
  private Op call(int process, Op.Kind kind, int item, long amount, String key, StoreClient client, long start,
                  List<Op.Attempt> attempts, int f, long attemptStart) {
    switch (kind) {
      case BUY -> {
        StoreClient.Purchase p = client.buy(item, (int) amount, key).value();
        Op.OrderAck ack = p.order() == null ? null : new Op.OrderAck(p.order().id(), p.order().status());
        attempts.add(new Op.Attempt(attemptStart, history.now(), frontends.get(f), p.bought() ? 201 : 409,
            p.bought() ? "created" : "out_of_stock", ack == null ? null : ack.id()));
        return new Op(history.nextId(), process, kind, item, key, amount, start, history.now(), Op.Outcome.OK, ack,
            null, null, attempts, null);
      }
      case RESTOCK -> {
        StoreClient.BookUpdate u = client.restock(item, amount, key, adminToken).value();
        attempts.add(new Op.Attempt(attemptStart, history.now(), frontends.get(f), 200, "ok", null));
        return new Op(history.nextId(), process, kind, item, key, amount, start, history.now(), Op.Outcome.OK, null,
            u.book().stock(), null, attempts, null);
      }
      case SET_COST -> {
        int status = patchCost(frontends.get(f), item, amount, key);
        attempts.add(new Op.Attempt(attemptStart, history.now(), frontends.get(f), status, null, null));
        if (status == 200) {
          return new Op(history.nextId(), process, kind, item, key, amount, start, history.now(), Op.Outcome.OK,
              null, null, null, attempts, null);
        }
        if (status >= 400 && status < 500) {
          return new Op(history.nextId(), process, kind, item, key, amount, start, history.now(), Op.Outcome.FAILED,
              null, null, null, attempts, "HTTP " + status);
        }
        return null;
      }
      default -> throw new IllegalArgumentException(kind + " is not a write");
    }
  }

  /** {@code PATCH /api/books/{id}} with our own idempotency key (the store client does not send one). */
  private int patchCost(String frontend, int item, long cost, String key) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(frontend + "/api/books/" + item))
        .timeout(limits.callTimeout())
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + adminToken)
        .header("Idempotency-Key", key)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Json.bytes(Map.of("cost", cost))))
        .build();
    try {
      return raw.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new StoreUnreachableException("set cost: " + e.getMessage(), e,
          e instanceof java.net.http.HttpTimeoutException);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnreachableException("interrupted", e, false);
    }
  }

  /** The client's think time and retry backoff; cut short when the run stops. */
  private void pause(long millis) {
    try {
      stopSignal.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
