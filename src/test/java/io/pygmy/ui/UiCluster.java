package io.pygmy.ui;

import io.pygmy.catalog.Book;
import io.pygmy.catalog.BooksFile;
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
import java.util.List;
import java.util.Map;

/**
 * One real cluster (3 catalog, 3 order, 1 frontend) for the browser tests, shared by their classes and
 * stopped when the test JVM exits. It runs as {@code pygmy up} runs it: its frontend offers the
 * dashboard's kill and restart buttons. The books are the seed's seven, with item {@link #SCARCE_ITEM}
 * down to {@link #SCARCE_STOCK} copies so a test can buy it out.
 */
final class UiCluster {
  static final int SCARCE_ITEM = 7;
  static final int SCARCE_STOCK = 3;
  private static UiCluster shared;

  final LocalCluster local;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private UiCluster(LocalCluster local) {
    this.local = local;
  }

  static synchronized UiCluster get() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared.local::close));
    }
    return shared;
  }

  private static UiCluster start() throws IOException {
    Path dir = Files.createTempDirectory("pygmy-ui-");
    ClusterConfig config = LocalCluster.localConfig(3, 3, 1, Settings.defaults());
    String jar = System.getProperty("pygmy.jar");
    LocalCluster.Launcher launcher = jar != null && Files.exists(Path.of(jar))
        ? LocalCluster.Launcher.jar(LocalCluster.Launcher.currentJvm().java(), Path.of(jar))
        : LocalCluster.Launcher.currentJvm();
    LocalCluster local = new LocalCluster(config, dir.resolve("cluster"), launcher)
        .tieToThisProcess().offerNodeControl().useBooks(books(dir));
    try {
      local.startAll();
      local.awaitReady(Duration.ofSeconds(180));
    } catch (RuntimeException | IOException e) {
      dumpLogs(local);
      local.close();
      throw e;
    }
    return new UiCluster(local);
  }

  /** The seed's books, with plenty of stock except the scarce item. */
  private static Path books(Path dir) throws IOException {
    List<Book> books = new ArrayList<>();
    for (Book b : BooksFile.check(null, 100).all()) {
      books.add(new Book(b.id(), b.title(), b.topic(), b.cost(), b.id() == SCARCE_ITEM ? SCARCE_STOCK : 1000));
    }
    Path file = dir.resolve("books.json");
    Files.write(file, Json.bytes(Map.of("books", books)));
    return file;
  }

  String frontend() {
    return local.config().nodes(Service.FRONTEND).get(0).httpUrl();
  }

  List<NodeAddress> replicas(Service service) {
    return local.config().nodes(service);
  }

  String adminToken() {
    try {
      return Files.readString(local.dataDir().resolve("admin-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET, answering status and body; an unreachable node answers status 0. */
  HttpResponse<String> get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> post(String url, String json, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void dumpLogs(LocalCluster local) {
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
}
