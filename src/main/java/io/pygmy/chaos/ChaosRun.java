package io.pygmy.chaos;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One chaos run: start a local cluster, run the workload and the nemesis for a while, heal every fault,
 * let the cluster settle, read the truth from every replica, check the history against it, and report.
 */
public final class ChaosRun {
  /** What to run. {@code faults} may include PARTITION; it is skipped with a message where impossible. */
  public record Options(Duration duration, int clients, long seed, Set<Nemesis.Fault> faults, int frontends,
                        Path resultsDir, LocalCluster.Launcher launcher, Nemesis.Timing timing, Workload.Limits limits,
                        Duration settleTimeout) {
    public Options {
      if (clients < 1 || clients > 1024 || frontends < 1 || frontends > 4 || duration.isNegative()) {
        throw new IllegalArgumentException("clients must be in 1..1024, frontends in 1..4, duration positive");
      }
      faults = faults.isEmpty() ? EnumSet.noneOf(Nemesis.Fault.class) : EnumSet.copyOf(faults);
    }

    public static Options of(Duration duration, int clients, long seed, Set<Nemesis.Fault> faults, Path resultsDir,
                             LocalCluster.Launcher launcher) {
      return new Options(duration, clients, seed, faults, 2, resultsDir, launcher, Nemesis.Timing.defaults(),
          Workload.Limits.defaults(), Duration.ofSeconds(120));
    }

    public Options withFrontends(int count) {
      return new Options(duration, clients, seed, faults, count, resultsDir, launcher, timing, limits, settleTimeout);
    }

    Options withTiming(Nemesis.Timing newTiming) {
      return new Options(duration, clients, seed, faults, frontends, resultsDir, launcher, newTiming, limits,
          settleTimeout);
    }
  }

  /** What a run found. */
  public record Report(long seed, Path directory, List<Op> history, List<History.Event> events,
                       List<Availability.Window> windows, List<Availability.Recovery> recoveries,
                       Effects.UnknownTally unknowns, Linearizability.Result linearizability,
                       List<Violation> violations, List<String> notes) {
    public boolean ok() {
      return violations.isEmpty();
    }

    public long count(String action) {
      return events.stream().filter(e -> e.action().equals(action)).count();
    }

    public long leaderKills() {
      return events.stream().filter(e -> e.action().equals("kill") && e.detail().equals("LEADER")).count();
    }
  }

  private static final int BOOKS = 8;
  /** Workload kept running after the faults are healed: the history shows the store serving again. */
  private static final Duration RECOVERY_TAIL = Duration.ofSeconds(5);
  private static final long INITIAL_STOCK = 40;

  private ChaosRun() {}

  public static Report run(Options o, PrintStream out) throws IOException {
    Path dir = o.resultsDir().toAbsolutePath().resolve("chaos-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)) + "-seed-" + o.seed());
    Files.createDirectories(dir);
    Map<Integer, StoreState.Book> initial = new TreeMap<>();
    for (int i = 1; i <= BOOKS; i++) {
      initial.put(i, new StoreState.Book(i, INITIAL_STOCK, 100L * i));
    }
    Path books = writeBooks(dir, initial);
    Settings settings = Settings.defaults().with("snapshotEveryEntries", 1000);
    List<String> notes = new ArrayList<>();
    Set<Nemesis.Fault> faults = EnumSet.noneOf(Nemesis.Fault.class);
    faults.addAll(o.faults());
    Partitions partitions = Partitions.probe();
    if (faults.contains(Nemesis.Fault.PARTITION) && !partitions.available()) {
      faults.remove(Nemesis.Fault.PARTITION);
      notes.add("partition: " + partitions.unavailableBecause());
      out.println("pygmy chaos: " + partitions.unavailableBecause());
    }
    boolean ownNetworks = faults.contains(Nemesis.Fault.PARTITION);
    try {
      ClusterConfig config = ownNetworks ? namespacedConfig(partitions, o, settings)
          : LocalCluster.localConfig(3, 3, o.frontends(), settings);
      out.printf("pygmy chaos: seed %d, %s, %d clients, faults %s%s%n  results in %s%n", o.seed(),
          DurationTextFormat.of(o.duration()), o.clients(), faults,
          ownNetworks ? " (each node in its own network namespace on 10.213.x.0/24)" : "", dir);
      LocalCluster cluster = new LocalCluster(config, dir.resolve("cluster"), quickStarting(o.launcher())).useBooks(books)
          .tieToThisProcess().runEachUnder(partitions::launchPrefix);
      try {
        cluster.startAll();
        cluster.awaitReady(Duration.ofSeconds(180));
        return runOn(cluster, o, faults, partitions, initial, dir, notes, out);
      } finally {
        cluster.close();
      }
    } finally {
      partitions.tearDown();
    }
  }

  /**
   * Restarts are the nemesis's bottleneck on a small, busy machine: the JIT's C1 tier alone starts a
   * node with far less CPU, and peak speed does not matter for checking correctness.
   */
  private static LocalCluster.Launcher quickStarting(LocalCluster.Launcher l) {
    List<String> flags = new ArrayList<>(l.jvmFlags());
    flags.add("-XX:TieredStopAtLevel=1");
    return new LocalCluster.Launcher(l.java(), l.classpath(), flags);
  }

  /** Every node in its own namespace and address; ports may repeat, as each namespace has its own. */
  private static ClusterConfig namespacedConfig(Partitions partitions, Options o, Settings settings)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      names.add("catalog-" + i);
    }
    for (int i = 1; i <= 3; i++) {
      names.add("order-" + i);
    }
    for (int i = 1; i <= o.frontends(); i++) {
      names.add("frontend-" + i);
    }
    java.util.Random rng = new java.util.Random();
    String tag = Long.toString(Math.abs(rng.nextLong() % 60_466_176L), 36); // at most 5 characters
    Map<String, String> address = partitions.setUp(names, tag, 1 + rng.nextInt(254));
    List<NodeAddress> nodes = new ArrayList<>();
    for (String n : names) {
      Service service = Service.parse(n.substring(0, n.indexOf('-')));
      nodes.add(new NodeAddress(n, service, address.get(n), 8080, service.replicated() ? 9090 : 0));
    }
    return new ClusterConfig(nodes, settings.validate(), null);
  }

  private static Report runOn(LocalCluster cluster, Options o, Set<Nemesis.Fault> faults, Partitions partitions,
                              Map<Integer, StoreState.Book> initial, Path dir, List<String> notes, PrintStream out)
      throws IOException {
    String token = Files.readString(cluster.dataDir().resolve("admin-token")).trim();
    List<String> frontends = cluster.config().nodes(Service.FRONTEND).stream().map(NodeAddress::httpUrl).toList();
    History history = new History();
    Nemesis nemesis = new Nemesis(cluster, o.seed(), faults, partitions, history, o.timing());
    long started;
    long ended;
    out.println("  cluster ready; workload and nemesis running ...");
    try (Workload workload = new Workload(frontends, token, initial, List.of("ds", "gs"), o.seed(), history,
        o.limits())) {
      started = history.now();
      workload.start(o.clients());
      nemesis.start();
      sleep(o.duration());
      nemesis.stopAndHeal();
      out.println("  faults healed; waiting for every node, then " + RECOVERY_TAIL.toSeconds()
          + " s more of workload on the healed cluster ...");
      cluster.awaitReady(Duration.ofSeconds(180));
      history.event("healed", "-", "every node up, every group with a leader");
      sleep(RECOVERY_TAIL);
      ended = history.now();
    }
    List<Op> ops = history.ops();
    StoreState state;
    String unsettled;
    try (StoreProbe probe = new StoreProbe(cluster.config())) {
      out.println("  settling: waiting for every order to be recorded and the replicas to converge ...");
      unsettled = probe.settle(o.settleTimeout());
      state = probe.collect(initial, ops);
    }
    List<Violation> violations = new ArrayList<>();
    if (unsettled != null) {
      violations.add(new Violation(Checks.CONVERGENCE, "the store did not settle within "
          + o.settleTimeout().toSeconds() + " s: " + unsettled, List.of()));
    }
    violations.addAll(Checks.conservation(ops, state));
    violations.addAll(Checks.orders(ops, state));
    violations.addAll(Checks.convergence(state));
    violations.addAll(Checks.staleReads(ops, state));
    Linearizability.Result lin = Linearizability.check(ops, state);
    violations.addAll(lin.violations());
    Report report = new Report(o.seed(), dir, ops, history.events(), Availability.longestGaps(ops, started, ended),
        Availability.buyRecoveries(ops, history.events()), Effects.unknowns(ops, state), lin, violations, notes);
    write(report, state);
    String text = ReportText.render(report);
    Files.writeString(dir.resolve("report.txt"), text);
    out.print(text);
    if (report.ok()) {
      deleteReplicaData(cluster);
    }
    return report;
  }

  private static Path writeBooks(Path dir, Map<Integer, StoreState.Book> initial) throws IOException {
    List<Map<String, Object>> books = new ArrayList<>();
    for (StoreState.Book b : initial.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", b.id());
      m.put("title", "Chaos book " + b.id());
      m.put("topic", b.id() % 2 == 1 ? "ds" : "gs");
      m.put("cost", b.cost());
      m.put("stock", b.stock());
      books.add(m);
    }
    Path file = dir.resolve("books.json");
    Files.write(file, Json.bytes(Map.of("books", books)));
    return file;
  }

  /** history.jsonl (one operation a line), faults.jsonl, and the store's final state. */
  private static void write(Report report, StoreState state) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(report.directory().resolve("history.jsonl"))) {
      for (Op op : report.history()) {
        w.write(Json.text(op));
        w.newLine();
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(report.directory().resolve("faults.jsonl"))) {
      for (History.Event e : report.events()) {
        w.write(Json.text(e));
        w.newLine();
      }
    }
    Files.write(report.directory().resolve("store-state.json"), Json.MAPPER.writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(Map.of("booksByReplica", state.booksByReplica(), "digests", state.digests(),
            "orders", state.orders().size(), "reservations", state.reservations().size())));
  }

  /** A passing run keeps its logs and history but not the replicas' Raft data. */
  private static void deleteReplicaData(LocalCluster cluster) throws IOException {
    for (NodeAddress n : cluster.config().nodes()) {
      Path d = cluster.dataDir().resolve(n.name());
      if (Files.isDirectory(d)) {
        cluster.stop(n.name(), Duration.ofSeconds(5));
        try (Stream<Path> walk = Files.walk(d)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  /** The run's length: the harness's own schedule, not a synchronisation. */
  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Durations in reports. */
  static final class DurationTextFormat {
    private DurationTextFormat() {}

    static String of(Duration d) {
      return d.toMillis() % 60_000 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
    }
  }
}
