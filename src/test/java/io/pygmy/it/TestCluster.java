package io.pygmy.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real cluster of node processes on loopback for integration tests: free ports, a temporary data
 * directory, the packaged jar (or the test classpath when run from an IDE), and small HTTP helpers.
 */
final class TestCluster implements AutoCloseable {
  final LocalCluster local;
  final Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** An HTTP answer: status, parsed JSON body (null when not JSON), headers. */
  record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private TestCluster(LocalCluster local, Path dataDir) {
    this.local = local;
    this.dataDir = dataDir;
  }

  static TestCluster start(String name, int frontends, Path booksFile, Settings settings) throws IOException {
    return start(name, frontends, booksFile, settings, List.of());
  }

  /** A cluster whose nodes get {@code extraJvmFlags} after the defaults (a smaller heap, say). */
  static TestCluster start(String name, int frontends, Path booksFile, Settings settings, List<String> extraJvmFlags)
      throws IOException {
    Path dir = Files.createTempDirectory("pygmy-it-" + name + "-");
    ClusterConfig config = LocalCluster.localConfig(3, 3, frontends, settings);
    LocalCluster local = new LocalCluster(config, dir, launcher(extraJvmFlags)).tieToThisProcess();
    if (booksFile != null) {
      local.useBooks(booksFile);
    }
    TestCluster cluster = new TestCluster(local, dir);
    try {
      local.startAll();
      local.awaitReady(Duration.ofSeconds(120));
    } catch (RuntimeException | IOException e) {
      cluster.dumpLogs();
      local.close();
      throw e;
    }
    return cluster;
  }

  /** Helpers over a cluster started elsewhere (closing it closes that cluster). */
  static TestCluster attach(LocalCluster local, Path dataDir) {
    return new TestCluster(local, dataDir);
  }

  /** The packaged jar when the build made one (failsafe says where), else this JVM's classpath. */
  static LocalCluster.Launcher launcher(List<String> extraJvmFlags) {
    String jar = System.getProperty("pygmy.jar");
    LocalCluster.Launcher base = jar != null && Files.exists(Path.of(jar))
        ? LocalCluster.Launcher.jar(LocalCluster.Launcher.currentJvm().java(), Path.of(jar))
        : LocalCluster.Launcher.currentJvm();
    List<String> flags = new ArrayList<>(base.jvmFlags());
    flags.addAll(extraJvmFlags);
    return new LocalCluster.Launcher(base.java(), base.classpath(), flags);
  }

  static Settings settings() {
    return Settings.defaults();
  }

  /** A books file: item i gets stock stocks[i-1]; topics alternate ds/gs; cost 100*i. */
  static Path books(Path dir, int... stocks) throws IOException {
    List<Map<String, Object>> books = new ArrayList<>();
    for (int i = 1; i <= stocks.length; i++) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("id", i);
      b.put("title", "Test book " + i);
      b.put("topic", i % 2 == 1 ? "ds" : "gs");
      b.put("cost", 100 * i);
      b.put("stock", stocks[i - 1]);
      books.add(b);
    }
    Files.createDirectories(dir);
    Path file = dir.resolve("books.json");
    Files.write(file, Json.bytes(Map.of("books", books)));
    return file;
  }

  String frontend(int index) {
    return local.config().nodes(Service.FRONTEND).get(index).httpUrl();
  }

  String frontend() {
    return frontend(0);
  }

  List<NodeAddress> replicas(Service service) {
    return local.config().nodes(service);
  }

  String adminToken() {
    try {
      return Files.readString(dataDir.resolve("admin-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Reply get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), url);
  }

  Reply post(String url, String json, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b, url);
  }

  Reply patch(String url, String json, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b, url);
  }

  Reply admin(String method, String path, String json) {
    String url = frontend() + path;
    String auth = "Bearer " + adminToken();
    return method.equals("PATCH") ? patch(url, json, "Authorization", auth) : post(url, json, "Authorization", auth);
  }

  private Reply send(HttpRequest.Builder b, String url) {
    try {
      HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (r.headers().firstValue("Content-Type").orElse("").contains("json") && !r.body().isEmpty()) {
        json = Json.MAPPER.readTree(r.body());
      }
      return new Reply(r.statusCode(), json, r);
    } catch (IOException e) {
      throw new UncheckedIOException("request to " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stock of an item as one catalog replica answers it (a linearizable read on that replica). */
  /** The stock a replica reports; a 503 (a read that timed out on a busy machine) is asked again. */
  long stockOn(NodeAddress catalogReplica, int item) {
    java.util.concurrent.atomic.AtomicLong stock = new java.util.concurrent.atomic.AtomicLong();
    await(catalogReplica.name() + " serves book " + item)
        .atMost(Duration.ofSeconds(30)).until(() -> {
          Reply r = get(catalogReplica.httpUrl() + "/books/" + item);
          if (r.status() == 503) {
            return false;
          }
          if (r.status() != 200) {
            throw new IllegalStateException(catalogReplica.name() + " answered " + r.status() + ": " + r.raw().body());
          }
          stock.set(r.json().path("books").get(0).path("stock").asLong());
          return true;
        });
    return stock.get();
  }

  long stockViaFrontend(int frontendIndex, int item) {
    Reply r = get(frontend(frontendIndex) + "/lookup?item=" + item);
    if (r.status() != 200) {
      throw new IllegalStateException("lookup answered " + r.status() + ": " + r.raw().body());
    }
    return r.json().path("books").get(0).path("stock").asLong();
  }

  /** The current leader of a group, as its replicas report it. */
  Optional<String> leader(Service service) {
    for (NodeAddress n : replicas(service)) {
      try {
        Reply r = get(n.httpUrl() + "/status");
        if (r.status() == 200 && "LEADER".equals(r.json().path("raft").path("role").asText())) {
          return Optional.of(n.name());
        }
      } catch (UncheckedIOException ignored) {
        // A dead replica is not the leader.
      }
    }
    return Optional.empty();
  }

  /** The state digest each live replica of a group reports, by replica name. */
  Map<String, String> digests(Service service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (NodeAddress n : replicas(service)) {
      String path = service == Service.CATALOG ? "/digest" : "/orders/summary";
      try {
        Reply r = get(n.httpUrl() + path);
        out.put(n.name(), r.status() == 200 ? r.json().path("digest").asText() : "status " + r.status());
      } catch (UncheckedIOException e) {
        out.put(n.name(), "unreachable");
      }
    }
    return out;
  }

  /**
   * Waits until a restarted replica has applied everything its group had committed when this was
   * called: it caught up, whatever traffic continues meanwhile.
   */
  void awaitCaughtUp(NodeAddress replica, Duration timeout) {
    long target = 0;
    for (NodeAddress n : replicas(replica.service())) {
      if (!n.equals(replica)) {
        try {
          Reply r = get(n.httpUrl() + "/status");
          if (r.status() == 200) {
            target = Math.max(target, r.json().path("raft").path("commitIndex").asLong());
          }
        } catch (UncheckedIOException ignored) {
          // A dead peer contributes nothing.
        }
      }
    }
    long committed = target;
    await(replica.name() + " catches up to index " + committed).atMost(timeout).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          try {
            Reply r = get(replica.httpUrl() + "/status");
            return r.status() == 200 && r.json().path("raft").path("appliedIndex").asLong() >= committed;
          } catch (UncheckedIOException e) {
            return false;
          }
        });
  }

  /** Waits until every replica of the group reports the same digest (only meaningful without writes). */
  void awaitConverged(Service service, Duration timeout) {
    await("replicas of " + service.id() + " converge").atMost(timeout).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          Map<String, String> d = digests(service);
          return d.values().stream().distinct().count() == 1 && !d.values().iterator().next().contains(" ");
        });
  }

  void dumpLogs() {
    for (NodeAddress n : local.config().nodes()) {
      try {
        List<String> lines = Files.readAllLines(local.logFile(n.name()));
        System.err.println("===== last lines of " + n.name() + " =====");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
      } catch (IOException ignored) {
        // No log yet.
      }
    }
  }

  @Override
  public void close() {
    local.close();
  }
}
