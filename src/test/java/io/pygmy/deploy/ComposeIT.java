package io.pygmy.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * deploy/ end to end on the local Docker engine: the base image, the image, the seven-node compose file
 * under a project of its own, buys, a {@code docker kill} of the catalog leader's container, the killed
 * replica's return, and {@code down} then {@code up} resuming the store from its named volumes. Skipped
 * when no Docker engine answers. Uses {@code docker compose} when the v2 plugin is there, else
 * {@code docker-compose} (1.29); {@code -Dpygmy.compose="docker-compose"} picks one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeIT {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path COMPOSE_FILE = ROOT.resolve("deploy/docker-compose.yml");
  private static final Path LOG = ROOT.resolve("target/compose-it/commands.log");
  private static final List<String> CATALOG = List.of("catalog-1", "catalog-2", "catalog-3");
  private static final List<String> SERVICES =
      List.of("catalog-1", "catalog-2", "catalog-3", "order-1", "order-2", "order-3", "frontend-1");
  /** Generous for a loaded 2-core machine; each phase measured is printed. */
  private static final Duration READY_WITHIN = Duration.ofMinutes(4);
  private static final Duration BUY_AFTER_KILL_WITHIN = Duration.ofSeconds(15);

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Map<String, String> TIMINGS = new LinkedHashMap<>();
  private static final Map<String, String> CONTAINERS = new java.util.concurrent.ConcurrentHashMap<>();

  private static List<String> compose;
  private static String project;
  private static String token;
  private static int port;
  private static boolean started;

  private record Run(int exit, String output, Duration took) {
    Run ok(String what) {
      assertThat(exit).as(what + " exited " + exit + ":\n" + output).isZero();
      return this;
    }
  }

  private record Reply(int status, JsonNode json, String body) {}

  /** Bought, as the store confirmed it. */
  private record Bought(long id, String key, int item) {}

  private static final List<Bought> bought = new ArrayList<>();

  @BeforeAll
  static void dockerAnswers() throws IOException {
    Files.createDirectories(LOG.getParent());
    Files.writeString(LOG, "");
    Run info = tryRun(Duration.ofSeconds(30), Map.of(), "docker", "info", "--format", "{{.ServerVersion}}");
    skipUnless(info.exit() == 0,
        "ComposeIT skipped: no Docker engine answers (`docker info`: " + info.output().strip() + ")");
    compose = pickCompose();
    skipUnless(compose != null, "ComposeIT skipped: neither `docker compose` nor `docker-compose` runs");
    skipUnless(Files.isRegularFile(ROOT.resolve("target/pygmy.jar")),
        "ComposeIT skipped: no target/pygmy.jar to put in the image (run ./pygmy build)");
    project = "pygmyit" + ProcessHandle.current().pid();
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    token = HexFormat.of().formatHex(random);
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    System.out.printf("ComposeIT: Docker %s, %s, project %s, storefront on 127.0.0.1:%d%n",
        info.output().strip(), String.join(" ", compose), project, port);
    // Whatever happens to this JVM, the project's containers and volumes go with it.
    Runtime.getRuntime().addShutdownHook(new Thread(ComposeIT::removeProject, "compose-it-down"));
  }

  /** An aborted assumption in @BeforeAll shows in failsafe's summary only as "Tests run: 0": say why. */
  private static void skipUnless(boolean condition, String why) {
    if (!condition) {
      System.out.println(why);
      Assumptions.abort(why);
    }
  }

  @AfterAll
  static void removeProject() {
    if (started) {
      started = false;
      tryRun(Duration.ofMinutes(2), env(), composeArgs("down", "-v", "--remove-orphans"));
      // Each new jar makes a new image; the ones it untagged would pile up on a CI machine.
      tryRun(Duration.ofMinutes(1), Map.of(), "docker", "image", "prune", "-f", "--filter",
          "label=org.opencontainers.image.title=pygmy");
    }
    synchronized (TIMINGS) {
      if (!TIMINGS.isEmpty()) {
        System.out.println("ComposeIT timings (" + String.join(" ", compose) + "):");
        TIMINGS.forEach((k, v) -> System.out.printf("  %-52s %s%n", k, v));
        TIMINGS.clear();
      }
    }
  }

  @Test
  @Order(1)
  void composeRefusesToStartWithoutAnAdminToken() {
    for (List<String> c : availableComposes()) {
      List<String> cmd = new ArrayList<>(c);
      cmd.addAll(List.of("-f", COMPOSE_FILE.toString(), "config", "-q"));
      Map<String, String> noToken = new LinkedHashMap<>(env());
      noToken.put("PYGMY_ADMIN_TOKEN", "");
      Run refused = tryRun(Duration.ofSeconds(60), noToken, cmd.toArray(String[]::new));
      assertThat(refused.exit()).as(String.join(" ", c) + " config without a token").isNotZero();
      assertThat(refused.output()).contains("PYGMY_ADMIN_TOKEN");
      tryRun(Duration.ofSeconds(60), env(), cmd.toArray(String[]::new)).ok(String.join(" ", c) + " config");
    }
  }

  @Test
  @Order(2)
  void theImageIsBuiltFromTheLocalBaseAndRunsAsNonRoot() {
    Run base = tryRun(Duration.ofMinutes(15), Map.of(), "bash", ROOT.resolve("deploy/base-image.sh").toString())
        .ok("deploy/base-image.sh");
    TIMINGS.put("deploy/base-image.sh", seconds(base.took()) + " (" + lastLine(base.output()) + ")");
    Run build = tryRun(Duration.ofMinutes(10), env(), composeArgs("build")).ok("compose build");
    TIMINGS.put("compose build", seconds(build.took()));
    Run inspect = tryRun(Duration.ofSeconds(30), Map.of(), "docker", "image", "inspect", "-f",
        "{{.Config.User}}|{{.Size}}|{{index .Config.Labels \"org.opencontainers.image.title\"}}|{{.Config.StopSignal}}"
            + "|{{json .Config.Healthcheck.Test}}", "pygmy:latest").ok("docker image inspect");
    String[] f = inspect.output().strip().split("\\|");
    assertThat(f[0]).isEqualTo("10001:10001");
    assertThat(f[2]).isEqualTo("pygmy");
    assertThat(f[3]).isEqualTo("SIGTERM");
    assertThat(f[4]).contains("/opt/pygmy/bin/healthcheck");
    TIMINGS.put("image pygmy:latest size", Long.parseLong(f[1]) / 1_000_000 + " MB");
  }

  @Test
  @Order(3)
  void theStoreComesUpAndSells() {
    long t0 = System.nanoTime();
    started = true;
    tryRun(Duration.ofMinutes(6), env(), composeArgs("up", "-d")).ok("compose up -d");
    awaitStorefrontReady();
    TIMINGS.put("compose up -d -> storefront ready (first start)", seconds(System.nanoTime() - t0));
    // Every container's own HEALTHCHECK (the image's) turns healthy too.
    await("every container healthy").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
        .until(() -> SERVICES.stream().allMatch(s -> "healthy".equals(health(s))));

    long before = stock(1);
    for (int i = 0; i < 3; i++) {
      buy(1);
    }
    buy(2);
    assertThat(stock(1)).isEqualTo(before - 3);
  }

  @Test
  @Order(4)
  void aKilledCatalogLeaderIsReplacedAndCatchesUpWhenStarted() {
    String leader = catalogLeader();
    String container = containerId(leader);
    long killed = System.nanoTime();
    tryRun(Duration.ofSeconds(30), Map.of(), "docker", "kill", container).ok("docker kill " + leader);
    long killReturned = System.nanoTime();
    // The next buy, retried until one is confirmed: how long a client waits for the store to sell again.
    AtomicReference<Bought> next = new AtomicReference<>();
    await("a buy confirmed after killing " + leader).atMost(BUY_AFTER_KILL_WITHIN.plusSeconds(20))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
          Optional<Bought> b = tryBuy(2);
          b.ifPresent(next::set);
          return b.isPresent();
        });
    long confirmed = System.nanoTime();
    TIMINGS.put("docker kill " + leader + " (catalog leader) took", millis(killReturned - killed));
    TIMINGS.put("kill returned -> next buy confirmed", millis(confirmed - killReturned));
    TIMINGS.put("kill issued -> next buy confirmed", millis(confirmed - killed));
    assertThat(Duration.ofNanos(confirmed - killReturned)).isLessThan(BUY_AFTER_KILL_WITHIN);
    bought.add(next.get());
    String newLeader = catalogLeader(leader);
    assertThat(newLeader).isNotEqualTo(leader);

    long restarted = System.nanoTime();
    tryRun(Duration.ofSeconds(60), Map.of(), "docker", "start", container).ok("docker start " + leader);
    awaitCatalogConverged();
    TIMINGS.put("docker start " + leader + " -> every catalog digest equal", seconds(System.nanoTime() - restarted));
  }

  @Test
  @Order(5)
  void downThenUpResumesTheStoreFromItsVolumes() {
    Map<Integer, Long> stock = Map.of(1, stock(1), 2, stock(2));
    assertThat(bought).hasSize(5);

    // A clean stop: every node exits on SIGTERM (143) well within stop_grace_period, none is killed (137).
    Run stop = tryRun(Duration.ofMinutes(2), env(), composeArgs("stop")).ok("compose stop");
    TIMINGS.put("compose stop (7 nodes, SIGTERM)", seconds(stop.took()));
    for (String s : SERVICES) {
      String exit = tryRun(Duration.ofSeconds(30), Map.of(), "docker", "inspect", "-f", "{{.State.ExitCode}}",
          containerId(s)).ok("inspect " + s).output().strip();
      assertThat(exit).as(s + "'s exit code after compose stop").isIn("0", "143");
    }
    assertThat(stop.took()).isLessThan(Duration.ofSeconds(15));
    tryRun(Duration.ofMinutes(2), env(), composeArgs("down")).ok("compose down");
    CONTAINERS.clear();

    long t0 = System.nanoTime();
    tryRun(Duration.ofMinutes(6), env(), composeArgs("up", "-d")).ok("compose up -d (again)");
    awaitStorefrontReady();
    TIMINGS.put("compose up -d -> storefront ready (from volumes)", seconds(System.nanoTime() - t0));

    long ready = System.nanoTime();
    // A group that just elected its leader may answer a linearizable read 503 for a moment (the leader has
    // not committed in its term yet), although the frontend is ready: as a client would, ask again.
    Reply first = getUntilNot503("/api/orders/" + bought.get(0).id());
    TIMINGS.put("storefront ready -> first order read answered", millis(System.nanoTime() - ready));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(Map.of(1, stock(1), 2, stock(2))).isEqualTo(stock);
    for (Bought b : bought) {
      Reply r = getUntilNot503("/api/orders/" + b.id());
      assertThat(r.status()).as("order " + b.id() + ": " + r.body()).isEqualTo(200);
      assertThat(r.json().path("key").asText()).isEqualTo(b.key());
      assertThat(r.json().path("item").asInt()).isEqualTo(b.item());
      assertThat(r.json().path("status").asText()).isEqualTo("CONFIRMED");
    }
    buy(1);
    assertThat(stock(1)).isEqualTo(stock.get(1) - 1);
  }

  // ---------------------------------------------------------------- the store

  private static void awaitStorefrontReady() {
    await("storefront ready on 127.0.0.1:" + port).atMost(READY_WITHIN).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> get("/health/ready").status() == 200);
  }

  private static Optional<Bought> tryBuy(int item) {
    String key = "compose-it-" + UUID.randomUUID();
    try {
      Reply r = send(HttpRequest.newBuilder(url("/api/orders")).header("Content-Type", "application/json")
          .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString("{\"item\":" + item + "}")),
          Duration.ofSeconds(20));
      if (r.status() == 201) {
        return Optional.of(new Bought(r.json().path("id").asLong(), key, item));
      }
    } catch (UncheckedIOException e) {
      // No answer: try again.
    }
    return Optional.empty();
  }

  private static void buy(int item) {
    AtomicReference<Bought> b = new AtomicReference<>();
    await("buy item " + item).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          tryBuy(item).ifPresent(b::set);
          return b.get() != null;
        });
    bought.add(b.get());
  }

  private static long stock(int item) {
    AtomicReference<Long> stock = new AtomicReference<>();
    await("stock of book " + item).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> {
          Reply r = get("/api/books/" + item);
          if (r.status() != 200) {
            return false;
          }
          JsonNode book = r.json().has("books") ? r.json().path("books").get(0) : r.json();
          stock.set(book.path("stock").asLong());
          return book.has("stock");
        });
    return stock.get();
  }

  /** The catalog leader the frontend's cluster view reports, with every live catalog replica agreeing. */
  private static String catalogLeader(String... dead) {
    List<String> gone = List.of(dead);
    AtomicReference<String> leader = new AtomicReference<>();
    await("a catalog leader every live replica agrees on").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
          String seen = null;
          for (JsonNode n : get("/api/cluster").json().path("nodes")) {
            String name = n.path("name").asText();
            if (!CATALOG.contains(name) || gone.contains(name)) {
              continue;
            }
            if (!n.path("healthy").asBoolean()) {
              return false;
            }
            String l = n.path("leader").asText(null);
            if (l == null || l.equals("null") || seen != null && !seen.equals(l)) {
              return false;
            }
            seen = l;
          }
          leader.set(seen);
          return seen != null && !gone.contains(seen);
        });
    return leader.get();
  }

  /** Waits until all three catalog replicas answer {@code GET /digest} with the same digest. */
  private static void awaitCatalogConverged() {
    await("every catalog replica reports the same digest").atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1)).until(() -> {
          List<String> digests = new ArrayList<>();
          for (String s : CATALOG) {
            Optional<String> d = digestOf(s);
            if (d.isEmpty()) {
              return false;
            }
            digests.add(d.get());
          }
          return digests.stream().distinct().count() == 1;
        });
  }

  /** {@code GET /digest} inside the replica's container (nothing but the storefront is published). */
  private static Optional<String> digestOf(String service) {
    String script = "exec 3<>/dev/tcp/127.0.0.1/9101 && printf 'GET /digest HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3"
        + " && cat <&3";
    Run r = tryRun(Duration.ofSeconds(30), env(), composeArgs("exec", "-T", service, "bash", "-c", script));
    int split = r.output().indexOf("\r\n\r\n");
    if (r.exit() != 0 || !r.output().startsWith("HTTP/1.1 200") || split < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readTree(r.output().substring(split + 4)).path("digest").asText());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String health(String service) {
    return tryRun(Duration.ofSeconds(30), Map.of(), "docker", "inspect", "-f", "{{.State.Health.Status}}",
        containerId(service)).output().strip();
  }

  /** The service's container, asked once per `up` (docker-compose 1.29 and v2 name containers differently). */
  private static String containerId(String service) {
    return CONTAINERS.computeIfAbsent(service, s -> {
      String out = tryRun(Duration.ofSeconds(30), env(), composeArgs("ps", "-q", s)).ok("compose ps " + s).output();
      return lastLine(out); // 1.29 may print warnings first
    });
  }

  private static URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** A read asked again while the store answers 503 (unavailable for a moment; the body says why). */
  private static Reply getUntilNot503(String path) {
    AtomicReference<Reply> reply = new AtomicReference<>();
    await("GET " + path + " answered other than 503").atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
          reply.set(get(path));
          return reply.get().status() != 503;
        });
    return reply.get();
  }

  private static Reply get(String path) {
    return send(HttpRequest.newBuilder(url(path)).GET(), Duration.ofSeconds(10));
  }

  private static Reply send(HttpRequest.Builder b, Duration timeout) {
    try {
      HttpResponse<String> r = HTTP.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (r.headers().firstValue("Content-Type").orElse("").contains("json") && !r.body().isEmpty()) {
        json = Json.MAPPER.readTree(r.body());
      }
      return new Reply(r.statusCode(), json, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- commands

  private static Map<String, String> env() {
    return Map.of("PYGMY_ADMIN_TOKEN", token == null ? "" : token, "PYGMY_STOREFRONT_PORT", String.valueOf(port));
  }

  private static String[] composeArgs(String... args) {
    List<String> cmd = new ArrayList<>(compose);
    cmd.addAll(List.of("-p", project, "-f", COMPOSE_FILE.toString()));
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }

  private static List<String> pickCompose() {
    String chosen = System.getProperty("pygmy.compose");
    if (chosen != null && !chosen.isBlank()) {
      return List.of(chosen.trim().split("\\s+"));
    }
    List<List<String>> found = availableComposes();
    return found.isEmpty() ? null : found.get(0);
  }

  /** The compose implementations that run here, v2 first. */
  private static List<List<String>> availableComposes() {
    List<List<String>> found = new ArrayList<>();
    for (List<String> c : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      List<String> cmd = new ArrayList<>(c);
      cmd.add("version");
      if (tryRun(Duration.ofSeconds(30), Map.of(), cmd.toArray(String[]::new)).exit() == 0) {
        found.add(c);
      }
    }
    return found;
  }

  /** Runs a command with a bound, its output (stdout and stderr) logged to target/compose-it/commands.log. */
  private static Run tryRun(Duration timeout, Map<String, String> env, String... cmd) {
    long t0 = System.nanoTime();
    Path out = null;
    try {
      out = Files.createTempFile(LOG.getParent(), "run-", ".out");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      int exit;
      if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exit = p.exitValue();
      } else {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        exit = -1;
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (exit == -1) {
        output += "\n(timed out after " + timeout.toSeconds() + " s)";
      }
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      log(String.format(Locale.ROOT, "$ %s  [exit %d, %.1f s]%n%s%n", String.join(" ", cmd), exit,
          took.toMillis() / 1000.0, output));
      return new Run(exit, output, took);
    } catch (IOException e) {
      return new Run(-2, e.toString(), Duration.ofNanos(System.nanoTime() - t0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // Left in target/.
        }
      }
    }
  }

  private static synchronized void log(String text) {
    try {
      Files.writeString(LOG, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // Logging is best effort.
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private static String seconds(Duration d) {
    return seconds(d.toNanos());
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000);
  }
}
