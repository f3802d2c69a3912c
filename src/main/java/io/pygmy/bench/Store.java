package io.pygmy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store under test: its frontend, the admin token when we have one (the cache and invalidation
 * switches and restocks need it), and the local cluster when we control one (failover needs it).
 */
final class Store implements AutoCloseable, HttpConnection.Factory {
  /** Bound on one bench request; a longer one is an error in the figures. */
  static final int REQUEST_TIMEOUT_MILLIS = 15_000;

  /** A book as the bench needs it. */
  record Book(int id, String topic, long stock) {}

  private final URI base;
  private final String adminToken;
  private final LocalCluster cluster;
  private final boolean ownsCluster;
  private boolean keepData;
  private final HttpConnection admin;

  Store(URI base, String adminToken, LocalCluster cluster, boolean ownsCluster) {
    this.base = base;
    this.adminToken = adminToken;
    this.cluster = cluster;
    this.ownsCluster = ownsCluster;
    this.admin = new HttpConnection(base, REQUEST_TIMEOUT_MILLIS);
  }

  /** A cluster the bench started is deleted with its data when the run ends, unless kept for its logs. */
  void keepData(boolean keep) {
    this.keepData = keep;
  }

  URI base() {
    return base;
  }

  @Override
  public HttpConnection connect() {
    return new HttpConnection(base, REQUEST_TIMEOUT_MILLIS);
  }

  boolean hasAdmin() {
    return adminToken != null;
  }

  Optional<LocalCluster> cluster() {
    return Optional.ofNullable(cluster);
  }

  /** Every book the store sells, read through the API. */
  synchronized List<Book> books() {
    JsonNode root = json(call(() -> admin.get("/api/books")), 200, "list books");
    List<Book> out = new ArrayList<>();
    for (JsonNode b : root.path("books")) {
      out.add(new Book(b.path("id").asInt(), b.path("topic").asText(), b.path("stock").asLong()));
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the store sells no books");
    }
    return out;
  }

  synchronized long stock(int item) {
    return json(call(() -> admin.get("/api/books/" + item)), 200, "read stock").path("stock").asLong();
  }

  synchronized void setCache(boolean on) {
    adminPost("/api/admin/cache", "{\"enabled\":" + on + "}");
  }

  synchronized void setInvalidation(boolean on) {
    JsonNode r = adminPost("/api/admin/invalidation", "{\"enabled\":" + on + "}");
    if (r.path("replicas").size() == 0) {
      throw new IllegalStateException("no catalog replica took the invalidation switch: " + r);
    }
  }

  synchronized void restock(int item, long quantity) {
    adminPost("/api/books/" + item + "/restock", "{\"quantity\":" + quantity + "}");
  }

  private JsonNode adminPost(String path, String body) {
    if (adminToken == null) {
      throw new IllegalStateException("no admin token: set PYGMY_ADMIN_TOKEN or --data DIR of the cluster");
    }
    return json(call(() -> admin.post(path, body.getBytes(StandardCharsets.UTF_8),
        "Authorization", "Bearer " + adminToken)), 200, "POST " + path);
  }

  /**
   * Cache and invalidation back on, from any thread (a shutdown hook on Ctrl-C): on its own connection,
   * best effort, bounded by a short timeout. A store left with invalidation off would serve stale reads.
   */
  void restoreSwitches() {
    if (adminToken == null) {
      return;
    }
    try (HttpConnection c = new HttpConnection(base, 2000)) {
      for (String path : List.of("/api/admin/invalidation", "/api/admin/cache")) {
        c.post(path, "{\"enabled\":true}".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + adminToken);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("pygmy bench: could not switch the cache and invalidation back on: " + e.getMessage());
    }
  }

  /** The current Raft leader of a group, as its replicas report it (empty while there is none). */
  Optional<String> leader(Service service) {
    if (cluster == null) {
      return Optional.empty();
    }
    for (NodeAddress n : cluster.config().nodes(service)) {
      if ("LEADER".equals(raftStatus(n).path("role").asText())) {
        return Optional.of(n.name());
      }
    }
    return Optional.empty();
  }

  /**
   * Whether replica {@code name} is back in its group: it answers, and it has applied all but the last
   * {@link #CAUGHT_UP_GAP} entries its group's leader had committed when asked (under traffic a follower
   * is always a few entries behind). False while it is down, starting or catching up.
   */
  static final long CAUGHT_UP_GAP = 50;

  boolean rejoined(Service service, String name) {
    if (cluster == null) {
      return true;
    }
    long leaderCommit = -1;
    long applied = -1;
    for (NodeAddress n : cluster.config().nodes(service)) {
      JsonNode raft = raftStatus(n);
      if ("LEADER".equals(raft.path("role").asText())) {
        leaderCommit = raft.path("commitIndex").asLong(-1);
      }
      if (n.name().equals(name)) {
        applied = raft.path("appliedIndex").asLong(-1);
      }
    }
    return leaderCommit >= 0 && applied >= 0 && applied + CAUGHT_UP_GAP >= leaderCommit;
  }

  /**
   * The {@code raft} part of a replica's {@code /status}; a missing node when it does not answer (a dead
   * or starting replica is neither leader nor caught up).
   */
  private static JsonNode raftStatus(NodeAddress n) {
    try (HttpConnection c = new HttpConnection(URI.create(n.httpUrl()), 1000)) {
      HttpConnection.Response r = c.get("/status");
      if (r.status() == 200) {
        return Json.MAPPER.readTree(r.body()).path("raft");
      }
    } catch (IOException | RuntimeException ignored) {
      // falls through to "no answer"
    }
    return MissingNode.getInstance();
  }

  interface Call {
    HttpConnection.Response run() throws IOException;
  }

  private static HttpConnection.Response call(Call call) {
    try {
      return call.run();
    } catch (IOException e) {
      throw new UncheckedIOException("store unreachable: " + e.getMessage(), e);
    }
  }

  private static JsonNode json(HttpConnection.Response r, int expected, String what) {
    if (r.status() != expected) {
      throw new IllegalStateException(what + " answered " + r.status() + ": " + r.text());
    }
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(what + " answered no JSON: " + r.text());
    }
  }

  static void deleteTree(java.nio.file.Path dir) {
    try (var paths = java.nio.file.Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Leaving a temporary directory behind is harmless.
    }
  }

  @Override
  public void close() {
    admin.close();
    if (ownsCluster && cluster != null) {
      cluster.close();
      if (!keepData) {
        deleteTree(cluster.dataDir());
      }
    }
  }
}
