package io.pygmy.bench;

import io.pygmy.Main;
import io.pygmy.cli.DurationText;
import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pygmy bench}: measures a running store, or a fresh local cluster it starts (issue 4). */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measure the store: per-tier latency with and without the cache, the cost of cache "
        + "invalidation, throughput and latency under concurrency, and leader failover; on request (-e soak) "
        + "millions of buys with memory, disk and follower catch-up watched.",
        "Writes a table to the terminal, DIR/bench.json and DIR/report.html (and DIR/soak.csv, DIR/soak.json)."})
public final class BenchCommand implements Callable<Integer> {
  static final List<String> EXPERIMENTS = List.of("tiers", "invalidation", "scale", "failover");
  /** Run only when named: a soak takes as long as its millions of orders do. */
  static final List<String> OPT_IN = List.of("soak");
  /** Default stock of the item --start adds for the oversell check. */
  static final int SCARCE_STOCK = 1000;
  /** Stock --start gives every other book, so no buy phase runs out. */
  static final long AMPLE_STOCK = 500_000_000L;

  @Spec
  CommandSpec spec;

  private Interruption interruption;

  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "Frontend of a running store (default: ${DEFAULT-VALUE}). Ignored with --start.")
  String url;

  @Option(names = "--start", description = "Start a fresh local cluster (3 catalog, 3 order, 1 frontend) for the "
      + "run, and stop it afterwards.")
  boolean start;

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory of a cluster started by `pygmy up`: "
      + "its admin token, its frontend, and control of its nodes for the failover experiment.")
  Path data;

  @Option(names = {"-e", "--experiments"}, paramLabel = "NAME", split = ",",
      description = "Which to run, comma-separated: tiers, invalidation, scale, failover, soak "
          + "(default: all but soak; failover only with --start or --data; soak runs last).")
  List<String> experiments;

  @Option(names = {"-n", "--requests"}, paramLabel = "N", defaultValue = "1000",
      description = "Sequential requests per series in tiers and invalidation (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "90s",
      description = "Warm-up before measuring; 0 for none (default: ${DEFAULT-VALUE}).")
  String warmup;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = DurationText.class,
      description = "Measured time of each closed-loop point in scale (default: ${DEFAULT-VALUE}).")
  Duration pointDuration;

  @Option(names = "--clients", paramLabel = "N", split = ",", defaultValue = "1,4,16,64",
      description = "Concurrent clients of the scale sweep; the soak uses the largest (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--workloads", paramLabel = "NAME", split = ",", defaultValue = "lookup,search,buy,mix",
      description = "Workloads of the scale sweep: lookup, search, buy, mix (90%% lookups, 10%% buys) "
          + "(default: ${DEFAULT-VALUE}).")
  List<String> workloads;

  @Option(names = "--open-rate", paramLabel = "PER_SECOND", defaultValue = "1000",
      description = "Open-loop phase of scale: mix requests due at this rate; 0 to skip (default: ${DEFAULT-VALUE}).")
  int openRate;

  @Option(names = "--open-duration", paramLabel = "DURATION", defaultValue = "10s", converter = DurationText.class,
      description = "Length of the open-loop phase (default: ${DEFAULT-VALUE}).")
  Duration openDuration;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where bench.json and report.html go (default: bench-results/<timestamp>).")
  Path out;

  @Option(names = "--scarce-stock", paramLabel = "N", defaultValue = "" + SCARCE_STOCK,
      description = "With --start: stock of the extra item the oversell check sells out (default: ${DEFAULT-VALUE}).")
  int scarceStock;

  @Option(names = "--ready-timeout", paramLabel = "DURATION", defaultValue = "180s", converter = DurationText.class,
      description = "With --start: how long the new cluster may take to elect leaders and seed (default: ${DEFAULT-VALUE}).")
  Duration readyTimeout;

  @Option(names = "--keep-data", description = "With --start: keep the cluster's data directory (its node logs) "
      + "instead of deleting it at the end.")
  boolean keepData;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "677", description = "Seed of the random choices.")
  long seed;

  /** The soak's own options (-e soak), after the others in the help. */
  @Mixin
  SoakOptions soakOptions = new SoakOptions();

  @Override
  public Integer call() throws IOException {
    try {
      return run();
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      spec.commandLine().getErr().println("pygmy bench: " + e.getMessage());
      return 1;
    }
  }

  private int run() throws IOException {
    validate();
    Duration warm = parseWarmup(warmup);
    List<String> chosen = experiments == null ? defaultExperiments() : experiments;
    PrintWriter err = spec.commandLine().getErr();
    Progress progress = new Progress(err, System.console() != null);
    Path outDir = out != null ? out : Path.of("bench-results",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    String startedAt = Instant.now().toString();
    BenchResult.Machine machine = MachineInfo.current();
    List<String> notes = new ArrayList<>();
    notes.add("figures from a single run on this machine; the load average at start is in machine");
    // Closed after the store: a Ctrl-C during the soak holds the exit until the cluster is stopped too.
    try (Interruption stop = new Interruption(); Store store = openStore(progress)) {
      interruption = stop;
      // Interrupted mid-run (Ctrl-C), the finally blocks that switch cache and invalidation back on do not run.
      Thread restore = new Thread(store::restoreSwitches, "bench-restore-switches");
      Runtime.getRuntime().addShutdownHook(restore);
      try {
        return measure(store, warm, chosen, progress, outDir, startedAt, machine, notes);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(restore);
        } catch (IllegalStateException e) {
          // Shutting down (Ctrl-C): the hook runs anyway.
        }
      }
    }
  }

  private int measure(Store store, Duration warm, List<String> chosen, Progress progress, Path outDir,
                      String startedAt, BenchResult.Machine machine, List<String> notes) throws IOException {
    List<Store.Book> all = store.books();
    Integer scarce = start ? all.stream().mapToInt(Store.Book::id).max().orElseThrow() : null; // booksFile: last id
    List<Store.Book> buyBooks = all.stream().filter(b -> scarce == null || b.id() != scarce).toList();
    ensureStock(store, buyBooks, notes);
    Experiments ex = new Experiments(store, all, buyBooks, seed, progress, notes);
    BenchResult.Warmup warmed = warm.isZero() ? new BenchResult.Warmup(0, 0, 0) : ex.warmup(warm);
    List<BenchResult.TierRun> tiers = chosen.contains("tiers") ? ex.tiers(requests) : null;
    BenchResult.Invalidation inval = chosen.contains("invalidation") ? ex.invalidation(requests) : null;
    BenchResult.Scale scale = chosen.contains("scale")
        ? ex.scale(workloads.stream().map(Workload::parse).toList(), clients, pointDuration, openRate, openDuration,
            scarce) : null;
    if (!start && chosen.contains("scale")) {
      notes.add("scale: no oversell drain check against a store the bench did not start (it needs an item of "
          + "known, small stock); run with --start for it");
    }
    BenchResult.Failover failover = null;
    if (chosen.contains("failover")) {
      Optional<LocalCluster> cluster = store.cluster();
      if (cluster.isPresent()) {
        failover = new FailoverExperiment(store, cluster.get(), all, buyBooks, progress).run(4, 2, seed);
      } else {
        notes.add("failover: skipped, it needs a cluster the bench controls (--start, or --data DIR of `pygmy up`)");
      }
    }
    SoakResult soak = null;
    if (chosen.contains("soak") && !interruption.requested()) {
      interruption.hold();
      int soakClients = clients.stream().mapToInt(Integer::intValue).max().orElseThrow();
      soak = new SoakExperiment(store, buyBooks, soakOptions, soakClients, progress, interruption::requested).run();
    }
    List<BenchResult.TargetCheck> targets = new ArrayList<>();
    if (chosen.stream().anyMatch(EXPERIMENTS::contains)) {
      targets.addAll(Targets.evaluate(tiers, scale, failover));
    }
    if (soak != null) {
      targets.addAll(Targets.soak(soak));
    }
    BenchResult result = new BenchResult(options(warm, chosen), machine, startedAt, Instant.now().toString(),
        warmed, tiers, inval, scale, failover, soak, targets, notes);
    PrintWriter o = spec.commandLine().getOut();
    o.println();
    o.print(TextReport.render(result));
    o.println();
    o.flush();
    // After the tables, so that a directory that cannot be written loses the files, not the figures.
    try {
      ReportWriter.write(result, outDir);
    } catch (IOException e) {
      spec.commandLine().getErr().println("pygmy bench: could not write the results to " + outDir + ": " + e);
      return 1;
    }
    o.println("wrote " + outDir.resolve(ReportWriter.JSON_FILE) + " and " + outDir.resolve(ReportWriter.HTML_FILE)
        + (soak == null ? "" : " (the soak's rows in " + ReportWriter.SOAK_CSV_FILE + " and "
            + ReportWriter.SOAK_JSON_FILE + ")"));
    if (start && keepData) {
      o.println("the cluster's data and node logs are kept in " + store.cluster().map(LocalCluster::dataDir).orElseThrow());
    }
    o.flush();
    return 0;
  }

  private List<String> defaultExperiments() {
    return start || data != null ? EXPERIMENTS : EXPERIMENTS.subList(0, 3);
  }

  private void validate() {
    if (experiments != null) {
      for (String e : experiments) {
        if (!EXPERIMENTS.contains(e) && !OPT_IN.contains(e)) {
          throw new IllegalArgumentException("unknown experiment '" + e + "' (" + String.join(", ", EXPERIMENTS)
              + ", " + String.join(", ", OPT_IN) + ")");
        }
      }
      if (experiments.contains("soak")) {
        soakOptions.validate();
      }
    }
    if (requests < 1 || requests > 10_000_000) {
      throw new IllegalArgumentException("--requests must be in 1..10000000");
    }
    for (int c : clients) {
      if (c < 1 || c > Load.MAX_CLIENTS) {
        throw new IllegalArgumentException("--clients must each be in 1.." + Load.MAX_CLIENTS);
      }
    }
    workloads.forEach(Workload::parse);
    if (openRate < 0 || openRate > 1_000_000) {
      throw new IllegalArgumentException("--open-rate must be in 0..1000000");
    }
    if (scarceStock < 1 || scarceStock > 1_000_000) {
      throw new IllegalArgumentException("--scarce-stock must be in 1..1000000");
    }
    if (start && data != null) {
      throw new IllegalArgumentException("--start runs its own cluster; --data names an existing one: pick one");
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      // Checked now: found only after the run, it would cost the whole run's figures.
      throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
    }
  }

  /** "0" (no warm-up) or a duration like 90s. */
  static Duration parseWarmup(String text) {
    return text.trim().equals("0") ? Duration.ZERO : DurationText.parse(text);
  }

  private BenchResult.Options options(Duration warm, List<String> chosen) {
    return new BenchResult.Options(start ? "(started cluster)" : url, start, chosen, requests, warm.toNanos() / 1e9,
        pointDuration.toNanos() / 1e9, clients, workloads, openRate, openDuration.toNanos() / 1e9, seed);
  }

  // ---------------------------------------------------------------- the store under test

  private Store openStore(Progress progress) throws IOException {
    if (start) {
      return startCluster(progress);
    }
    String token = System.getenv("PYGMY_ADMIN_TOKEN");
    if (data == null) {
      Path defaultToken = Path.of("data", "admin-token");
      if ((token == null || token.isBlank()) && Files.isReadable(defaultToken)) {
        token = Files.readString(defaultToken).trim();
      }
      return new Store(URI.create(url), blankToNull(token), null, false);
    }
    Path dir = data.toAbsolutePath().normalize();
    if ((token == null || token.isBlank()) && Files.isReadable(dir.resolve("admin-token"))) {
      token = Files.readString(dir.resolve("admin-token")).trim();
    }
    ClusterConfig config = ClusterConfig.load(dir.resolve("cluster.json"), System.getenv(), Map.of());
    LocalCluster cluster = new LocalCluster(config, dir, launcher());
    String frontend = spec.commandLine().getParseResult().hasMatchedOption("--url") ? url
        : config.nodes(Service.FRONTEND).get(0).httpUrl();
    return new Store(URI.create(frontend), blankToNull(token), cluster, false);
  }

  private Store startCluster(Progress progress) throws IOException {
    Path dir = Files.createTempDirectory("pygmy-bench-");
    progress.phase("starting a fresh cluster (3 catalog, 3 order, 1 frontend) in " + dir);
    ClusterConfig config = LocalCluster.localConfig(3, 3, 1, Settings.defaults());
    LocalCluster cluster = new LocalCluster(config, dir, launcher()).tieToThisProcess()
        .useBooks(booksFile(dir, scarceStock));
    Store store = null;
    try {
      cluster.startAll();
      cluster.awaitReady(readyTimeout);
      String token = Files.readString(dir.resolve("admin-token")).trim();
      store = new Store(URI.create(config.nodes(Service.FRONTEND).get(0).httpUrl()), token, cluster, true);
      store.keepData(keepData);
      progress.note("cluster ready at " + store.base());
      return store;
    } finally {
      if (store == null) {
        cluster.close();
        if (!keepData) {
          Store.deleteTree(dir);
        }
      }
    }
  }

  /** The seed's seven books with ample stock, and one scarce book for the oversell check. */
  static Path booksFile(Path dir, int scarceStock) throws IOException {
    String[] topics = {"ds", "ds", "gs", "gs", "ds", "gs", "gs", "ds"};
    List<Map<String, Object>> books = new ArrayList<>();
    for (int i = 1; i <= topics.length; i++) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("id", i);
      b.put("title", i == topics.length ? "Scarce book for the oversell check" : "Bench book " + i);
      b.put("topic", topics[i - 1]);
      b.put("cost", 100L * i);
      b.put("stock", i == topics.length ? scarceStock : AMPLE_STOCK);
      books.add(b);
    }
    Path file = dir.resolve("bench-books.json");
    Files.write(file, Json.bytes(Map.of("books", books)));
    return file;
  }

  /** Restocks books below {@link Experiments#STOCK_WANTED} when the admin token allows it. */
  private static void ensureStock(Store store, List<Store.Book> books, List<String> notes) {
    for (Store.Book b : books) {
      if (b.stock() < Experiments.STOCK_WANTED) {
        if (!store.hasAdmin()) {
          notes.add("item " + b.id() + " has stock " + b.stock() + " and there is no admin token to restock it: "
              + "buys may run out of stock (counted apart from errors)");
        } else {
          store.restock(b.id(), Experiments.STOCK_WANTED - b.stock());
        }
      }
    }
  }

  /** Nodes run like this process: from the same jar with the same java, or from its classpath. */
  static LocalCluster.Launcher launcher() {
    String java = LocalCluster.Launcher.currentJvm().java();
    CodeSource source = Main.class.getProtectionDomain().getCodeSource();
    try {
      if (source != null && source.getLocation() != null) {
        Path p = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")) {
          return LocalCluster.Launcher.jar(java, p);
        }
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      // Not a file URL: fall back to the classpath.
    }
    return LocalCluster.Launcher.currentJvm();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
