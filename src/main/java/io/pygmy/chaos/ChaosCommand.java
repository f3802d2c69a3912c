package io.pygmy.chaos;

import io.pygmy.Main;
import io.pygmy.cli.DurationText;
import io.pygmy.cluster.LocalCluster;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pygmy chaos}: attacks a local cluster and checks the store's guarantees (issue 5). */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = {"Fault injection against a local cluster, then invariant checks on the history.",
        "Starts 3 catalog, 3 order and 2 frontend nodes on free ports, runs buyers, readers and an admin against",
        "them while killing, pausing (and, where possible, partitioning) nodes, heals, and checks stock",
        "conservation, exactly-once orders, convergence, stale reads and linearizability. Exit code 1 on any",
        "violation. See docs/RELIABILITY.md."})
public final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = DurationText.class,
      description = "How long the workload and the faults run (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "32", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the fault schedule and the workload (default: random, printed).")
  Long seed;

  @Option(names = "--faults", paramLabel = "LIST", split = ",", defaultValue = "kill,pause,partition",
      description = "Faults to inject: kill, pause, partition, majority (default: ${DEFAULT-VALUE}).")
  List<String> faults;

  @Option(names = "--frontends", paramLabel = "N", defaultValue = "2", description = "Frontends (default: ${DEFAULT-VALUE}).")
  int frontends;

  @Option(names = "--results", paramLabel = "DIR", defaultValue = "chaos-results",
      description = "Where each run's history and report are written (default: ${DEFAULT-VALUE}).")
  Path results;

  @Override
  public Integer call() throws Exception {
    if (org.slf4j.LoggerFactory.getLogger(LocalCluster.class) instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(ch.qos.logback.classic.Level.WARN); // the report lists every start and kill
    }
    long s = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
    Set<Nemesis.Fault> chosen = EnumSet.noneOf(Nemesis.Fault.class);
    for (String f : faults) {
      try {
        chosen.add(Nemesis.Fault.valueOf(f.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown fault '" + f + "' (kill, pause, partition, majority)");
      }
    }
    ChaosRun.Options options = ChaosRun.Options.of(duration, clients, s, chosen, results, launcher())
        .withFrontends(frontends);
    ChaosRun.Report report = ChaosRun.run(options, System.out);
    System.out.println("seed " + s + " (replay with --seed " + s + ")");
    return report.ok() ? 0 : 1;
  }

  /** Nodes run from the same jar as this command, or from its classpath when not run from a jar. */
  static LocalCluster.Launcher launcher() {
    String java = LocalCluster.Launcher.currentJvm().java();
    CodeSource source = Main.class.getProtectionDomain().getCodeSource();
    try {
      Path code = source == null ? null : Path.of(source.getLocation().toURI());
      if (code != null && Files.isRegularFile(code) && code.toString().endsWith(".jar")) {
        return LocalCluster.Launcher.jar(java, code);
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      // Fall through to the classpath.
    }
    return LocalCluster.Launcher.currentJvm();
  }
}
