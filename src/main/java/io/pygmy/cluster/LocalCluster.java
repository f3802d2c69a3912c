package io.pygmy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of node processes on this machine, all sharing one data directory:
 * {@code DIR/cluster.json} (the config every node reads), {@code DIR/<node>/} (each node's state),
 * {@code DIR/logs/<node>.log} and {@code DIR/run/<node>.pid}. Because pids are kept in files, a
 * separate invocation ({@code pygmy kill catalog-1}) can act on nodes another one started.
 *
 * <p>Used by {@code pygmy up}, the integration tests, the chaos harness and the benchmark. Crashes are
 * real: {@link #kill} sends SIGKILL, {@link #pause} SIGSTOP.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  /**
   * Set on the frontends of a cluster run by {@code pygmy up} (and its kill/start commands) to the data
   * directory: it tells a frontend it may offer to kill and restart nodes, and where their pid files are.
   */
  public static final String NODE_CONTROL_PROPERTY = "pygmy.localClusterDir";

  private final ClusterConfig config;
  private final Path dataDir;
  private final Launcher launcher;
  private final Map<String, Process> started = new LinkedHashMap<>();
  private Path booksFile;
  private boolean tiedToThisProcess;
  private boolean nodeControl;
  private java.util.function.Function<String, List<String>> commandPrefix = name -> List.of();

  /** How to run a node: which java, which classpath, which JVM flags. */
  public record Launcher(String java, String classpath, List<String> jvmFlags) {
    /** The JVM running this code, with its classpath: works from the jar and from a test run alike. */
    public static Launcher currentJvm() {
      String java = ProcessHandle.current().info().command().orElse(
          Path.of(System.getProperty("java.home"), "bin", "java").toString());
      return new Launcher(java, System.getProperty("java.class.path"), defaultJvmFlags());
    }

    public static Launcher jar(String java, Path jar) {
      return new Launcher(java, jar.toAbsolutePath().toString(), defaultJvmFlags());
    }

    /** Heap of each node; {@link io.pygmy.config.Settings#heapNeededBytes()} says what fits in it. */
    public static final int NODE_HEAP_MB = 256;

    /**
     * Seven JVMs share a small machine: small heaps, the serial collector (fewer threads, short pauses
     * on small heaps), and a hard exit on out-of-memory rather than a zombie replica.
     */
    public static List<String> defaultJvmFlags() {
      List<String> flags = new ArrayList<>(List.of("-Xms64m", "-Xmx" + NODE_HEAP_MB + "m", "-XX:+UseSerialGC",
          "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=4", "--enable-native-access=ALL-UNNAMED"));
      if (Runtime.version().feature() >= 23) {
        flags.add("--sun-misc-unsafe-memory-access=allow"); // gRPC's Netty; silences a JDK 23+ warning
      }
      String extra = System.getenv("PYGMY_JAVA_OPTS");
      if (extra != null && !extra.isBlank()) {
        flags.addAll(List.of(extra.trim().split("\\s+")));
      }
      return flags;
    }
  }

  public LocalCluster(ClusterConfig config, Path dataDir, Launcher launcher) {
    this.config = config;
    this.dataDir = dataDir.toAbsolutePath();
    this.launcher = launcher;
  }

  /** A config of the given shape on 127.0.0.1 with free ports, for tests and the chaos harness. */
  public static ClusterConfig localConfig(int catalogs, int orders, int frontends, Settings settings) {
    List<NodeAddress> nodes = new ArrayList<>();
    // Every probe socket stays open until all ports are taken: a closed one's port may be handed out again.
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 1; i <= catalogs; i++) {
        nodes.add(new NodeAddress("catalog-" + i, Service.CATALOG, "127.0.0.1", freePort(held), freePort(held)));
      }
      for (int i = 1; i <= orders; i++) {
        nodes.add(new NodeAddress("order-" + i, Service.ORDER, "127.0.0.1", freePort(held), freePort(held)));
      }
      for (int i = 1; i <= frontends; i++) {
        nodes.add(new NodeAddress("frontend-" + i, Service.FRONTEND, "127.0.0.1", freePort(held), 0));
      }
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // nothing listens on it; the port is free either way
        }
      }
    }
    return new ClusterConfig(nodes, settings.validate(), null);
  }

  private static int freePort(List<ServerSocket> held) {
    try {
      ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      held.add(s);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Initial books for the catalog replicas (their {@code --books}); default: the seed's seven. */
  public LocalCluster useBooks(Path file) {
    this.booksFile = file.toAbsolutePath();
    return this;
  }

  /** Nodes started from now on exit when this JVM exits, even by SIGKILL (for tests: no orphans). */
  public LocalCluster tieToThisProcess() {
    this.tiedToThisProcess = true;
    return this;
  }

  /** Frontends started from now on offer the dashboard's kill and restart buttons (see {@link #NODE_CONTROL_PROPERTY}). */
  public LocalCluster offerNodeControl() {
    this.nodeControl = true;
    return this;
  }

  /**
   * Runs each node under a command that then execs it, e.g. {@code ip netns exec NS} to give every node
   * its own network namespace (the chaos harness's partitions). The prefix must exec, not fork, so the
   * pid started is the node's own.
   */
  public LocalCluster runEachUnder(java.util.function.Function<String, List<String>> prefixForNode) {
    this.commandPrefix = prefixForNode;
    return this;
  }

  public ClusterConfig config() {
    return config;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path configFile() {
    return dataDir.resolve("cluster.json");
  }

  public Path logFile(String name) {
    return dataDir.resolve("logs").resolve(name + ".log");
  }

  /** Writes the config the nodes will read; keeps an existing one untouched unless asked to replace it. */
  public void writeConfig(boolean replace) throws IOException {
    Files.createDirectories(dataDir);
    if (replace || !Files.exists(configFile())) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("nodes", config.nodes());
      doc.put("settings", config.settings());
      if (config.bindHost() != null) {
        doc.put("bindHost", config.bindHost());
      }
      Files.write(configFile(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }
  }

  /** Starts every node that is not already running. */
  public void startAll() throws IOException {
    writeConfig(false);
    for (NodeAddress n : config.nodes()) {
      if (pid(n.name()).isEmpty()) {
        start(n.name());
      }
    }
  }

  /** Starts one node in the background with the shared config and its own data; refuses if it runs. */
  public synchronized long start(String name) throws IOException {
    NodeAddress node = config.node(name);
    Optional<Long> running = pid(name);
    if (running.isPresent()) {
      throw new IllegalStateException(name + " is already running as pid " + running.get());
    }
    writeConfig(false);
    Files.createDirectories(dataDir.resolve("logs"));
    Files.createDirectories(dataDir.resolve("run"));
    List<String> cmd = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute()) {
      cmd.add("/usr/bin/setsid"); // own session: a Ctrl-C meant for the caller's terminal does not reach it
    }
    cmd.addAll(commandPrefix.apply(name));
    cmd.add(launcher.java());
    cmd.addAll(launcher.jvmFlags());
    cmd.add("-Dpygmy.node=" + name);
    if (tiedToThisProcess) {
      cmd.add("-Dpygmy.exitWithPid=" + ProcessHandle.current().pid());
    }
    if (nodeControl && node.service() == Service.FRONTEND) {
      cmd.add("-D" + NODE_CONTROL_PROPERTY + "=" + dataDir);
    }
    cmd.addAll(List.of("-cp", launcher.classpath(), "io.pygmy.Main", node.service().id(), "--name", name,
        "--config", configFile().toString(), "--data", dataDir.toString()));
    if (booksFile != null && node.service() == Service.CATALOG) {
      cmd.addAll(List.of("--books", booksFile.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(name).toFile()));
    pb.environment().remove("PYGMY_CONFIG"); // the config file on the command line wins, for every node alike
    // RocksDB unpacks its native library at each start; in a fixed place per node it is overwritten, not
    // left behind in /tmp by every node that is killed.
    Path nativeDir = dataDir.resolve("run").resolve("native-" + name);
    Files.createDirectories(nativeDir);
    pb.environment().putIfAbsent("ROCKSDB_SHAREDLIB_DIR", nativeDir.toString());
    Process p = pb.start();
    long pid = p.pid();
    Files.writeString(pidFile(name), Long.toString(pid));
    started.put(name, p);
    LOG.info("started {} (pid {}), log {}", name, pid, logFile(name));
    return pid;
  }

  /** The pid of the running node, if it runs (verified: a stale pid file or a reused pid is not it). */
  public Optional<Long> pid(String name) {
    Path f = pidFile(name);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(f).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> isNode(h, name)).map(ProcessHandle::pid);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isNode(ProcessHandle h, String name) {
    // setsid execs java in the same process, so the command line is the node's own.
    try {
      String cmdline = Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline")).replace('\0', ' ');
      return cmdline.contains("-Dpygmy.node=" + name + " ");
    } catch (IOException e) {
      return h.info().arguments().map(a -> String.join(" ", a).contains("-Dpygmy.node=" + name)).orElse(false);
    }
  }

  /** SIGKILL: the node dies at once, as in a crash. Returns false when it was not running. */
  public boolean kill(String name) {
    Optional<Long> pid = pid(name);
    pid.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    pid.flatMap(ProcessHandle::of).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> h).join());
    return pid.isPresent();
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
  public boolean stop(String name, Duration grace) {
    Optional<ProcessHandle> h = pid(name).flatMap(ProcessHandle::of);
    if (h.isEmpty()) {
      return false;
    }
    h.get().destroy();
    try {
      h.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      h.get().destroyForcibly();
      h.get().onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> h.get()).join();
    }
    return true;
  }

  /** SIGSTOP: the node freezes (a long GC pause or a hung host) until {@link #resume}. */
  public boolean pause(String name) {
    return signal(name, "STOP");
  }

  /** SIGCONT. */
  public boolean resume(String name) {
    return signal(name, "CONT");
  }

  private boolean signal(String name, String signal) {
    Optional<Long> pid = pid(name);
    if (pid.isEmpty()) {
      return false;
    }
    try {
      return new ProcessBuilder("kill", "-" + signal, Long.toString(pid.get())).start().waitFor() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period), in parallel. */
  public void stopAll(Duration grace) {
    List<Thread> stoppers = new ArrayList<>();
    for (NodeAddress n : config.nodes()) {
      resume(n.name()); // a paused node cannot handle SIGTERM
      stoppers.add(Thread.ofVirtual().start(() -> stop(n.name(), grace)));
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Path pidFile(String name) {
    return dataDir.resolve("run").resolve(name + ".pid");
  }

  /**
   * Waits until the frontend reports every node healthy, a leader in each group, and a seeded catalog,
   * and a lookup through the frontend succeeds. Throws with the last observed state on timeout.
   */
  public void awaitReady(Duration timeout) {
    NodeAddress frontend = config.nodes(Service.FRONTEND).get(0);
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    try (HttpTransport http = new HttpTransport(Duration.ofSeconds(1))) {
      while (System.nanoTime() < deadline) {
        try {
          last = readiness(http, frontend);
          if (last == null) {
            return;
          }
        } catch (HttpTransport.TransportException e) {
          last = e.getMessage();
        }
        try {
          Thread.sleep(100); // polling a condition with a deadline, not a guess at timing
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the cluster");
        }
      }
    }
    throw new IllegalStateException("cluster not ready after " + timeout.toSeconds() + " s: " + last);
  }

  /** Null when ready, else what is missing. */
  private String readiness(HttpTransport http, NodeAddress frontend) throws HttpTransport.TransportException {
    HttpConnection.Response r = http.get(frontend.httpUrl() + "/api/cluster", Duration.ofSeconds(2), null);
    if (r.status() != 200) {
      return "frontend answered " + r.status();
    }
    JsonNode nodes = Json.MAPPER.valueToTree(Json.read(r.body(), Map.class)).path("nodes");
    boolean catalogLeader = false;
    boolean orderLeader = false;
    for (JsonNode n : nodes) {
      if (!n.path("healthy").asBoolean()) {
        return n.path("name").asText() + " is not healthy";
      }
      String role = n.path("role").asText();
      catalogLeader |= n.path("service").asText().equals("catalog") && role.equals("LEADER");
      orderLeader |= n.path("service").asText().equals("order") && role.equals("LEADER");
      if (n.path("service").asText().equals("catalog") && !n.path("details").path("seeded").asBoolean()) {
        return n.path("name").asText() + " has not applied the seed";
      }
    }
    if (!catalogLeader || !orderLeader) {
      return "no leader yet in " + (catalogLeader ? "order" : "catalog");
    }
    HttpConnection.Response lookup = http.get(frontend.httpUrl() + "/lookup?item=1", Duration.ofSeconds(2), null);
    return lookup.status() == 200 ? null : "lookup answered " + lookup.status();
  }

  /** Stops every node of the cluster. */
  @Override
  public void close() {
    stopAll(Duration.ofSeconds(5));
  }
}
