package io.pygmy.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Reads the ground truth from the replicas once the faults are healed: waits until the order log has
 * recorded every reservation and each group's replicas report one digest (or the settle time runs out,
 * and the convergence check will say so), then collects books, reservations, orders, keyed updates and
 * digests. Every read goes to a replica directly, never through a frontend cache.
 */
final class StoreProbe implements AutoCloseable {
  private static final Duration CALL = Duration.ofSeconds(5);
  private static final int PARALLEL_READS = 8;
  private static final int PAGE = 1000;

  private final ClusterConfig config;
  private final HttpTransport http = new HttpTransport(Duration.ofSeconds(2));

  StoreProbe(ClusterConfig config) {
    this.config = config;
  }

  /** Waits (bounded) until the store is quiet and converged; returns what was still missing, or null. */
  String settle(Duration timeout) {
    long giveUp = System.nanoTime() + timeout.toNanos();
    String missing = "nothing read yet";
    while (System.nanoTime() < giveUp) {
      missing = notSettled();
      if (missing == null) {
        return null;
      }
      try {
        Thread.sleep(500); // polling a condition with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return missing;
  }

  private String notSettled() {
    Map<String, Map<String, String>> digests = digests();
    for (var group : digests.entrySet()) {
      if (group.getValue().values().stream().distinct().count() != 1) {
        return group.getKey() + " digests differ: " + group.getValue();
      }
    }
    Optional<JsonNode> catalog = json(config.nodes(Service.CATALOG).get(0), "/digest");
    for (NodeAddress n : config.nodes(Service.ORDER)) {
      // /digest is the replica's own summary: /orders/summary would record missing orders itself, and
      // the store must be seen to record every order without a reader's help.
      Optional<JsonNode> summary = json(n, "/digest");
      if (catalog.isEmpty() || summary.isEmpty()) {
        return "a replica does not answer";
      }
      long reservations = catalog.get().path("reservationCount").asLong();
      long reconciled = summary.get().path("reconciledThroughSeq").asLong();
      if (reconciled != reservations) {
        return n.name() + " has recorded orders through reservation " + reconciled + " of " + reservations;
      }
    }
    return null;
  }

  StoreState collect(Map<Integer, StoreState.Book> initial, List<Op> history) {
    Map<String, Map<Integer, StoreState.Book>> books = new LinkedHashMap<>();
    for (NodeAddress n : config.nodes(Service.CATALOG)) {
      Map<Integer, StoreState.Book> mine = new HashMap<>();
      json(n, "/books").ifPresent(j -> j.path("books").forEach(b -> mine.put(b.path("id").asInt(),
          new StoreState.Book(b.path("id").asInt(), b.path("stock").asLong(), b.path("cost").asLong()))));
      books.put(n.name(), mine);
    }
    return new StoreState(initial, books, reservations(), orders(), updates(history), digests());
  }

  private Map<String, Map<String, String>> digests() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Service s : List.of(Service.CATALOG, Service.ORDER)) {
      Map<String, String> group = new LinkedHashMap<>();
      for (NodeAddress n : config.nodes(s)) {
        group.put(n.name(), json(n, "/digest").map(j -> j.path("digest").asText("none")).orElse("unreachable"));
      }
      out.put(s.id(), group);
    }
    return out;
  }

  private Map<String, StoreState.Reservation> reservations() {
    Map<String, StoreState.Reservation> out = new HashMap<>();
    long after = 0;
    while (true) {
      long from = after;
      JsonNode page = anyReplica(Service.CATALOG, "/reservations?after=" + from + "&limit=" + PAGE)
          .orElseThrow(() -> new IllegalStateException("no catalog replica answers /reservations"));
      JsonNode list = page.path("reservations");
      for (JsonNode r : list) {
        StoreState.Reservation res = new StoreState.Reservation(r.path("seq").asLong(), r.path("key").asText(),
            r.path("item").asInt(), r.path("quantity").asInt(), r.path("status").asText());
        out.put(res.key(), res);
        after = Math.max(after, res.seq());
      }
      if (list.isEmpty() || after >= page.path("reservationCount").asLong()) {
        return out;
      }
    }
  }

  private List<StoreState.Order> orders() {
    long count = anyReplica(Service.ORDER, "/digest").map(j -> j.path("count").asLong())
        .orElseThrow(() -> new IllegalStateException("no order replica answers /digest"));
    List<Long> ids = new ArrayList<>();
    for (long id = 1; id <= count; id++) {
      ids.add(id);
    }
    List<StoreState.Order> out = Collections.synchronizedList(new ArrayList<>());
    forEachParallel(ids, id -> anyReplica(Service.ORDER, "/orders/" + id).ifPresent(o -> out.add(
        new StoreState.Order(o.path("id").asLong(), o.path("key").asText(), o.path("item").asInt(),
            o.path("quantity").asInt(), o.path("status").asText()))));
    return out;
  }

  private Map<String, StoreState.Update> updates(List<Op> history) {
    List<String> keys = history.stream().filter(o -> o.kind() == Op.Kind.RESTOCK || o.kind() == Op.Kind.SET_COST)
        .map(Op::key).toList();
    Map<String, StoreState.Update> out = new ConcurrentHashMap<>();
    forEachParallel(keys, key -> anyReplica(Service.CATALOG, "/updates/" + URLEncoder.encode(key, StandardCharsets.UTF_8))
        .ifPresent(u -> {
          JsonNode reply = u.path("reply");
          JsonNode book = reply.path("book");
          out.put(key, new StoreState.Update(key, u.path("item").asInt(), u.path("stockDelta").asLong(),
              u.path("cost").isNumber() ? u.path("cost").asLong() : null, "OK".equals(reply.path("outcome").asText()),
              book.isObject() ? book.path("stock").asLong() : null));
        }));
    return out;
  }

  private <T> void forEachParallel(List<T> items, java.util.function.Consumer<T> action) {
    Semaphore slots = new Semaphore(PARALLEL_READS);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (T item : items) {
        slots.acquireUninterruptibly();
        futures.add(pool.submit(() -> {
          try {
            action.accept(item);
          } finally {
            slots.release();
          }
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (Exception e) {
          throw new IllegalStateException("reading the store's state failed: " + e, e);
        }
      }
    }
  }

  /** The answer of the first replica of the group that gives a definite one (200 or 404). */
  private Optional<JsonNode> anyReplica(Service service, String path) {
    for (int round = 0; round < 3; round++) {
      for (NodeAddress n : config.nodes(service)) {
        try {
          HttpConnection.Response r = http.get(n.httpUrl() + path, CALL, null);
          if (r.status() == 200) {
            return Optional.of(Json.MAPPER.readTree(r.body()));
          }
          if (r.status() == 404) {
            return Optional.empty();
          }
        } catch (IOException e) {
          // Try the next replica.
        }
      }
    }
    throw new IllegalStateException("no " + service.id() + " replica answered " + path);
  }

  private Optional<JsonNode> json(NodeAddress n, String path) {
    try {
      HttpConnection.Response r = http.get(n.httpUrl() + path, CALL, null);
      return r.status() == 200 ? Optional.of(Json.MAPPER.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
