package io.pygmy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.Main;
import io.pygmy.client.StoreClient;
import io.pygmy.client.StoreException;
import io.pygmy.client.StoreUnreachableException;
import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Running a whole cluster on this machine: {@code up} (in the foreground), {@code status}, {@code kill},
 * {@code start} and {@code down}. They share one data directory, whose pid files let each invocation
 * act on nodes another one started (see {@link LocalCluster}).
 */
public final class ClusterCommands {
  /** How long a node may take to shut down cleanly (SIGTERM) before it is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  /** Bound on one node's answer to {@code GET /status}: a node slower than this is shown as not answering. */
  static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);
  /** How often {@code up} looks for nodes that exited or came back, and {@code start} polls its node. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  /** Log lines shown when a node dies while starting. */
  static final int LOG_TAIL_LINES = 25;
  private static final int LOG_TAIL_MAX_BYTES = 16 * 1024;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  private ClusterCommands() {}

  abstract static class ClusterCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    Path dataDir() {
      return options.data.toAbsolutePath().normalize();
    }

    LocalCluster cluster(ClusterConfig config) {
      quietSupervisorLog();
      // A cluster these commands run is a person's local cluster: its dashboard may kill and restart nodes.
      return new LocalCluster(config, dataDir(), launcher()).offerNodeControl();
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    /** How to run pygmy again, for the commands we print: the launcher, plus --data when one was named. */
    String again(String subcommand) {
      boolean namedData = spec.commandLine().getParseResult().hasMatchedOption("--data");
      return launcherName() + " " + subcommand + (namedData ? " --data " + display(dataDir()) : "");
    }
  }

  // ---------------------------------------------------------------- up

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {"Start every node of the config on this machine and stay in the foreground.",
          "Ctrl-C (or SIGTERM) stops them all. The data directory is kept: the next `up` resumes the store."})
  public static final class Up extends ClusterCommand {
    @Option(names = "--fresh", description = "Delete the data directory first: the initial books, no orders.")
    boolean fresh;

    @Option(names = "--ready-timeout", paramLabel = "DURATION", defaultValue = "90s", converter = DurationText.class,
        description = "How long to wait for leaders and the seeded catalog (default: ${DEFAULT-VALUE}).")
    Duration readyTimeout;

    private final Object lock = new Object();
    private boolean stopping; // guarded by lock: once set, no node is started any more
    private volatile boolean finished;

    @Override
    public Integer call() throws IOException {
      Path dir = dataDir();
      Map<String, Long> running = runningNodes(dir);
      if (!running.isEmpty()) {
        err().println("pygmy: a cluster is already running in " + display(dir) + ": " + describe(running)
            + "\n       Stop it with `" + again("down") + "`, or use another --data.");
        return 1;
      }
      if (fresh && !deleteDataDir(dir)) {
        return 1;
      }
      ClusterConfig config = options.load();
      Optional<String> problem = configConflict(dir, config).or(() -> hostAndPortProblems(config.nodes(), config));
      if (problem.isPresent()) {
        err().println("pygmy: " + problem.get());
        return 1;
      }
      LocalCluster cluster = cluster(config);
      cluster.writeConfig(true);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(cluster), "pygmy-up-shutdown"));
      return startAndServe(cluster);
    }

    private int startAndServe(LocalCluster cluster) throws IOException {
      ClusterConfig config = cluster.config();
      out().printf("starting %s in %s ...%n", shape(config), display(dataDir()));
      long startNanos = System.nanoTime();
      for (NodeAddress n : config.nodes()) {
        synchronized (lock) {
          if (stopping) {
            return 0;
          }
          cluster.start(n.name());
        }
      }
      out().printf("waiting until every group has a leader and the catalog is seeded (up to %s) ...%n",
          DurationText.format(readyTimeout));
      Optional<String> failure = awaitReadyOrDeath(cluster);
      if (failure.isPresent()) {
        err().println("pygmy: the cluster did not come up: " + failure.get());
        err().println("       Logs: " + display(cluster.dataDir().resolve("logs")) + "/<node>.log. Stopping every node.");
        finished = true;
        cluster.stopAll(STOP_GRACE);
        return 1;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      out().print(banner(cluster, took));
      out().flush();
      watch(cluster);
      finished = true;
      return 0;
    }

    /** Empty when ready; else why not. Fails fast when a node process exits while the others start. */
    private Optional<String> awaitReadyOrDeath(LocalCluster cluster) {
      CompletableFuture<Void> ready = CompletableFuture.runAsync(() -> cluster.awaitReady(readyTimeout),
          r -> Thread.ofVirtual().name("await-ready").start(r));
      while (true) {
        try {
          ready.get(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
          return Optional.empty();
        } catch (TimeoutException e) {
          for (NodeAddress n : cluster.config().nodes()) {
            if (cluster.pid(n.name()).isEmpty()) {
              return Optional.of(n.name() + " exited while starting. The end of its log "
                  + display(cluster.logFile(n.name())) + ":\n" + indent(tail(cluster.logFile(n.name()))));
            }
          }
        } catch (ExecutionException e) {
          return Optional.of(String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.of("interrupted");
        }
        synchronized (lock) {
          if (stopping) {
            return Optional.of("stopped while starting");
          }
        }
      }
    }

    /** Until every node has stopped (e.g. `pygmy down` elsewhere), prints nodes that exit or come back. */
    private void watch(LocalCluster cluster) {
      Map<String, Long> last = runningNodes(cluster);
      while (true) {
        sleep(POLL_INTERVAL);
        Map<String, Long> now = runningNodes(cluster);
        synchronized (lock) {
          if (stopping) {
            return;
          }
          for (String change : changes(last, now)) {
            out().println(LocalTime.now().format(CLOCK) + "  " + change);
          }
        }
        if (now.isEmpty()) {
          out().println("every node has stopped; exiting.");
          return;
        }
        last = now;
      }
    }

    /** Ctrl-C or SIGTERM: stop every node, say so, and exit 0 (the user asked for it). */
    private void stopOnSignal(LocalCluster cluster) {
      if (finished) {
        return; // a normal exit: whatever had to be stopped already was
      }
      synchronized (lock) {
        stopping = true;
      }
      out().println();
      out().println("stopping every node ...");
      out().flush();
      cluster.stopAll(STOP_GRACE);
      out().println("stopped. The data stays in " + display(dataDir()) + ": `" + again("up")
          + "` resumes the store, --fresh starts over.");
      out().flush();
      Runtime.getRuntime().halt(0);
    }

    /** Deletes a previous cluster's directory; refuses one that does not look like a cluster's. */
    private boolean deleteDataDir(Path dir) throws IOException {
      if (!Files.exists(dir)) {
        return true;
      }
      if (!looksLikeDataDir(dir)) {
        err().println("pygmy: " + display(dir) + " does not look like a pygmy data directory (no run/ or logs/ "
            + "in it); not deleting it. Choose another --data.");
        return false;
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      out().println("deleted " + display(dir) + " (--fresh): the previous books, orders, logs and admin token");
      return true;
    }

    private String banner(LocalCluster cluster, Duration took) {
      ClusterConfig config = cluster.config();
      String url = config.nodes(Service.FRONTEND).get(0).httpUrl();
      Map<String, String> leaders = leaders(url);
      String victim = leaders.getOrDefault("catalog", config.nodes(Service.CATALOG).get(0).name());
      boolean tokenFromEnv = System.getenv("PYGMY_ADMIN_TOKEN") != null && !System.getenv("PYGMY_ADMIN_TOKEN").isBlank();
      String tokenFile = display(options.adminTokenFile().toAbsolutePath().normalize());
      String bearer = tokenFromEnv ? "$PYGMY_ADMIN_TOKEN" : "$(cat " + tokenFile + ")";
      StringBuilder b = new StringBuilder();
      b.append(String.format("%nPygmy is up: %s, ready in %.1f s.%n%n", shape(config), took.toMillis() / 1000.0));
      for (NodeAddress f : config.nodes(Service.FRONTEND)) {
        b.append("  Storefront  ").append(f.httpUrl()).append('\n');
      }
      b.append("  Dashboard   ").append(url).append("/dashboard   (every node live; kill and restart replicas with the admin token)\n")
          .append("  Metrics     ").append(url).append("/metrics   (Prometheus text; every node serves its own)\n");
      b.append("  Try it      curl '").append(url).append("/search?topic=ds'\n")
          .append("              curl '").append(url).append("/lookup?item=3'\n")
          .append("              curl '").append(url).append("/buy?item=3'\n")
          .append("              curl -X POST ").append(url)
          .append("/api/orders -H 'Content-Type: application/json' -d '{\"item\":3,\"quantity\":1}'\n")
          .append("              curl ").append(url).append("/api/cluster\n")
          .append("              ").append(again("client --interval 1s")).append("   (the seed's random traffic)\n")
          .append("  Admin       token ").append(tokenFromEnv ? "from PYGMY_ADMIN_TOKEN" : "in " + tokenFile).append('\n')
          .append("              curl -X POST ").append(url).append("/api/books/3/restock -H \"Authorization: Bearer ")
          .append(bearer).append("\" -H 'Content-Type: application/json' -d '{\"quantity\":10}'\n")
          .append("              ").append(again("restock 3 10")).append('\n')
          .append("  Logs        ").append(display(cluster.dataDir().resolve("logs"))).append("/<node>.log\n");
      if (!leaders.isEmpty()) {
        b.append("  Leaders     ").append(String.join(", ", leaders.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue()).toList())).append('\n');
      }
      b.append("  Crash one   ").append(again("kill " + victim)).append("    (SIGKILL; the others elect a new leader)\n")
          .append("  Restart it  ").append(again("start " + victim)).append("   (it catches up from the others)\n")
          .append("  Status      ").append(again("status")).append('\n')
          .append("\nCtrl-C stops every node. Nodes that exit or come back are reported here.\n");
      return b.toString();
    }
  }

  /** Each replicated tier's leader, as the frontend sees it; empty when it cannot tell. */
  static Map<String, String> leaders(String frontendUrl) {
    Map<String, String> leaders = new LinkedHashMap<>();
    try (StoreClient store = new StoreClient(frontendUrl, STATUS_TIMEOUT.multipliedBy(2))) {
      for (JsonNode n : store.cluster().value().path("nodes")) {
        if ("LEADER".equals(n.path("role").asText())) {
          leaders.putIfAbsent(n.path("service").asText(), n.path("name").asText());
        }
      }
    } catch (StoreException | StoreUnreachableException e) {
      // Only a hint in the banner; the status command shows the truth.
    }
    return leaders;
  }

  /** A config whose nodes differ from those that made this directory would confuse the Raft groups stored in it. */
  private static Optional<String> configConflict(Path dir, ClusterConfig config) {
    Path kept = dir.resolve("cluster.json");
    if (!Files.isRegularFile(kept)) {
      return Optional.empty();
    }
    List<NodeAddress> keptNodes = ClusterConfig.load(kept, Map.of(), Map.of()).nodes();
    return keptNodes.equals(config.nodes()) ? Optional.empty()
        : Optional.of(display(dir) + " belongs to a cluster with other nodes or ports (" + display(kept) + ").\n"
            + "       Use --fresh to start over there, another --data, or leave out --config to reuse its config.");
  }

  // ---------------------------------------------------------------- status

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show every node: pid, Raft role, term, leader, commit and applied index, health.")
  public static final class Status extends ClusterCommand {
    @Option(names = "--json", description = "Print the rows as JSON.")
    boolean json;

    @Override
    public Integer call() {
      LocalCluster cluster = cluster(options.load());
      List<NodeAddress> nodes = cluster.config().nodes();
      List<CompletableFuture<StatusReport.Row>> pending = new ArrayList<>();
      for (NodeAddress n : nodes) {
        pending.add(CompletableFuture.supplyAsync(() -> StatusReport.row(n, cluster.pid(n.name()), askStatus(n)),
            r -> Thread.ofVirtual().start(r)));
      }
      List<StatusReport.Row> rows = pending.stream().map(CompletableFuture::join).toList();
      if (json) {
        out().println(Json.text(rows));
        return 0;
      }
      out().print(StatusReport.table(rows));
      out().println();
      StatusReport.leaders(rows).forEach(out()::println);
      out().println("data: " + display(dataDir()) + "   logs: " + display(dataDir().resolve("logs")) + "/<node>.log");
      return 0;
    }
  }

  /** A node's {@code /status}, or null when it does not answer in time. */
  static JsonNode askStatus(NodeAddress node) {
    try (StoreClient c = new StoreClient(node.httpUrl(), STATUS_TIMEOUT)) {
      return c.nodeStatus().value();
    } catch (StoreException | StoreUnreachableException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- kill, start, down

  @Command(name = "kill", mixinStandardHelpOptions = true,
      description = "Crash nodes: SIGKILL, no clean shutdown. `pygmy start NAME` brings one back.")
  public static final class Kill extends ClusterCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Node names, e.g. catalog-1 (see `pygmy status`).")
    List<String> names;

    @Override
    public Integer call() {
      LocalCluster cluster = cluster(options.load());
      for (String name : names) {
        cluster.config().node(name); // an unknown name is a usage error, before anything is killed
      }
      for (String name : names) {
        Optional<Long> pid = cluster.pid(name);
        if (pid.isPresent() && cluster.kill(name)) {
          out().println("killed " + name + " (pid " + pid.get() + ")");
        } else {
          out().println(name + " is not running");
        }
      }
      return 0;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start one node again, in the background, with the cluster's config and its own data.")
  public static final class Start extends ClusterCommand {
    @Parameters(paramLabel = "NAME", description = "The node, e.g. catalog-1.")
    String name;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s", converter = DurationText.class,
        description = "How long to wait for it to answer /status (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--no-wait", description = "Return as soon as the process is started.")
    boolean noWait;

    @Override
    public Integer call() throws IOException {
      LocalCluster cluster = cluster(options.load());
      NodeAddress node = cluster.config().node(name);
      Optional<Long> running = cluster.pid(name);
      if (running.isPresent()) {
        out().println(name + " is already running (pid " + running.get() + ")");
        return 0;
      }
      Optional<String> problem = hostAndPortProblems(List.of(node), cluster.config());
      if (problem.isPresent()) {
        err().println("pygmy: " + problem.get());
        return 1;
      }
      long pid = cluster.start(name);
      out().println("started " + name + " (pid " + pid + "), log " + display(cluster.logFile(name)));
      return noWait ? 0 : awaitAnswer(cluster, node);
    }

    private int awaitAnswer(LocalCluster cluster, NodeAddress node) {
      long startNanos = System.nanoTime();
      long deadlineNanos = startNanos + wait.toNanos();
      while (System.nanoTime() - deadlineNanos < 0) {
        if (cluster.pid(name).isEmpty()) {
          err().println("pygmy: " + name + " exited. The end of its log:\n" + indent(tail(cluster.logFile(name))));
          return 1;
        }
        JsonNode status = askStatus(node);
        if (status != null) {
          StatusReport.Row row = StatusReport.row(node, cluster.pid(name), status);
          out().printf("%s answers after %.1f s: %s%s%s%n", name, (System.nanoTime() - startNanos) / 1e9, row.role(),
              row.term() == null ? "" : " in term " + row.term(), row.leader() == null ? "" : ", leader " + row.leader());
          return 0;
        }
        sleep(POLL_INTERVAL);
      }
      err().println("pygmy: " + name + " is running but has not answered /status within " + DurationText.format(wait)
          + "; see " + display(cluster.logFile(name)));
      return 1;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop every running node of the data directory (e.g. after `pygmy up` itself was killed).")
  public static final class Down extends ClusterCommand {
    @Override
    public Integer call() {
      LocalCluster cluster = cluster(options.load());
      Map<String, Long> running = runningNodes(dataDir());
      if (running.isEmpty()) {
        out().println("nothing is running in " + display(dataDir()));
        return 0;
      }
      List<CompletableFuture<String>> stops = new ArrayList<>();
      running.forEach((name, pid) -> stops.add(CompletableFuture.supplyAsync(
          () -> (cluster.stop(name, STOP_GRACE) ? "stopped " : "already gone: ") + name + " (pid " + pid + ")",
          r -> Thread.ofVirtual().start(r))));
      stops.forEach(f -> out().println(f.join()));
      return 0;
    }
  }

  // ---------------------------------------------------------------- decisions (pure)

  /** What changed between two looks at the running nodes (name to pid), as lines for the user. */
  static List<String> changes(Map<String, Long> before, Map<String, Long> after) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Long> e : before.entrySet()) {
      Long now = after.get(e.getKey());
      if (now == null) {
        lines.add(e.getKey() + " is down (pid " + e.getValue() + " exited)");
      } else if (!now.equals(e.getValue())) {
        lines.add(e.getKey() + " restarted (pid " + e.getValue() + " -> " + now + ")");
      }
    }
    for (Map.Entry<String, Long> e : after.entrySet()) {
      if (!before.containsKey(e.getKey())) {
        lines.add(e.getKey() + " is running again (pid " + e.getValue() + ")");
      }
    }
    return lines;
  }

  /** {@code catalog-1 (pid 12), order-1 (pid 13)}. */
  static String describe(Map<String, Long> running) {
    return String.join(", ", running.entrySet().stream().map(e -> e.getKey() + " (pid " + e.getValue() + ")").toList());
  }

  /** {@code 7 nodes (3 catalog, 3 order, 1 frontend)}. */
  static String shape(ClusterConfig config) {
    List<String> parts = new ArrayList<>();
    for (Service s : Service.values()) {
      parts.add(config.nodes(s).size() + " " + s.id());
    }
    return config.nodes().size() + " nodes (" + String.join(", ", parts) + ")";
  }

  /**
   * A directory `up --fresh` may delete: one a cluster ran in (it has run/ or logs/), one holding only a
   * kept cluster.json, or an empty one. A folder that merely contains a config file is not one.
   */
  static boolean looksLikeDataDir(Path dir) throws IOException {
    if (Files.isDirectory(dir.resolve("run")) || Files.isDirectory(dir.resolve("logs"))) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.allMatch(p -> p.getFileName().toString().equals("cluster.json"));
    }
  }

  /** The path relative to the working directory when it lies inside it (shorter to read and to paste). */
  static String display(Path path) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = path.toAbsolutePath().normalize();
    return abs.equals(cwd) ? "." : abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  /** What the user typed to run pygmy (the launcher exports it), for commands we suggest. */
  static String launcherName() {
    String name = System.getenv("PYGMY_LAUNCHER");
    return name == null || name.isBlank() ? "./pygmy" : name;
  }

  /** A jar path when this code runs from a jar file, else empty (running from classes, e.g. in an IDE). */
  static Optional<Path> jarAt(Path codeSource) {
    return Files.isRegularFile(codeSource) && codeSource.getFileName().toString().endsWith(".jar")
        ? Optional.of(codeSource.toAbsolutePath()) : Optional.empty();
  }

  // ---------------------------------------------------------------- I/O helpers

  /** Nodes are started like this process: from the same jar with the same java, or from its classpath. */
  static LocalCluster.Launcher launcher() {
    String java = LocalCluster.Launcher.currentJvm().java();
    return runningJar().map(jar -> LocalCluster.Launcher.jar(java, jar)).orElseGet(LocalCluster.Launcher::currentJvm);
  }

  private static Optional<Path> runningJar() {
    CodeSource source = Main.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      return jarAt(Path.of(source.getLocation().toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Every node with a live pid file in the data directory, whatever config started it. */
  static Map<String, Long> runningNodes(Path dataDir) {
    Path run = dataDir.resolve("run");
    Map<String, Long> running = new LinkedHashMap<>();
    if (!Files.isDirectory(run)) {
      return running;
    }
    // LocalCluster.pid only reads DIR/run/NAME.pid and checks the process, so any config serves to ask it.
    LocalCluster probe = new LocalCluster(ClusterConfig.defaults(), dataDir, LocalCluster.Launcher.currentJvm());
    try (Stream<Path> files = Files.list(run)) {
      files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".pid")).sorted()
          .map(f -> f.substring(0, f.length() - ".pid".length()))
          .forEach(name -> probe.pid(name).ifPresent(pid -> running.put(name, pid)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + run + ": " + e.getMessage(), e);
    }
    return running;
  }

  private static Map<String, Long> runningNodes(LocalCluster cluster) {
    Map<String, Long> running = new LinkedHashMap<>();
    for (NodeAddress n : cluster.config().nodes()) {
      cluster.pid(n.name()).ifPresent(pid -> running.put(n.name(), pid));
    }
    return running;
  }

  /**
   * Why these nodes cannot start here, if they cannot: a host that is not this machine's, or a port
   * another process holds. Best effort: a port can still be taken between this check and the start.
   */
  static Optional<String> hostAndPortProblems(List<NodeAddress> nodes, ClusterConfig config) {
    List<String> busy = new ArrayList<>();
    for (NodeAddress n : nodes) {
      String host = config.bindHostFor(n);
      if (!isLocal(host)) {
        return Optional.of(n.name() + " is to listen on " + host + ", which is not an address of this machine; "
            + "`up` runs every node here. On several hosts, run `pygmy catalog|order|frontend --name NAME` on each.");
      }
      if (inUse(host, n.httpPort())) {
        busy.add(n.httpPort() + " (" + n.name() + " http)");
      }
      if (n.service().replicated() && inUse(host, n.raftPort())) {
        busy.add(n.raftPort() + " (" + n.name() + " raft)");
      }
    }
    return busy.isEmpty() ? Optional.empty()
        : Optional.of("port" + (busy.size() > 1 ? "s " : " ") + String.join(", ", busy) + (busy.size() > 1 ? " are" : " is")
            + " in use by another process (another cluster?).\n"
            + "       Stop it, or use a config with other ports: --config FILE (see src/main/resources/cluster.json).");
  }

  private static boolean isLocal(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      return address.isAnyLocalAddress() || address.isLoopbackAddress()
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (UnknownHostException | SocketException e) {
      return false;
    }
  }

  private static boolean inUse(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the servers do: a port in TIME_WAIT after a stop is free for them
      s.bind(new InetSocketAddress(host, port));
      return false;
    } catch (BindException e) {
      return true;
    } catch (IOException e) {
      return false; // cannot tell; the node itself will say
    }
  }

  /** The last lines of a log (it grows across restarts, so only its end is read). */
  static String tail(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - LOG_TAIL_MAX_BYTES);
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private static String indent(String text) {
    return text.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("    (empty)");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // polling process state at a fixed period
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** The supervisor logs each start at INFO; these commands say it themselves, once, in their own words. */
  private static void quietSupervisorLog() {
    if (LoggerFactory.getLogger(LocalCluster.class) instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
