package io.pygmy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.cluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chaos harness against a real multi-process cluster: a short run with kills and pauses must find
 * no violation, and losing a majority must make writes fail fast with 503 and recover by themselves.
 * Seeds are fixed so a failure replays; a seed that ever finds a bug stays here as a regression test.
 */
class ChaosIT {
  /** The CI run: 90 s of kills (leaders included) and pauses under 16 clients. */
  @Test
  void aShortRunWithKillsAndPausesFindsNoViolation() throws Exception {
    ChaosRun.Report r = ChaosRun.run(ChaosRun.Options.of(Duration.ofSeconds(90), 16, 20261124L,
        EnumSet.of(Nemesis.Fault.KILL, Nemesis.Fault.PAUSE), results(), launcher()), System.out);
    assertThat(r.violations()).as("violations (see %s)", r.directory()).isEmpty();
    assertThat(r.count("kill")).isGreaterThanOrEqualTo(5);
    assertThat(r.count("pause")).isGreaterThanOrEqualTo(1);
    assertThat(r.history().stream().filter(op -> op.kind() == Op.Kind.BUY && op.ok()).count()).isGreaterThan(50);
    assertThat(r.linearizability().operations()).isGreaterThan(100);
    assertThat(Files.readAllLines(r.directory().resolve("history.jsonl"))).hasSize(r.history().size());
  }

  /**
   * Two of three replicas of a group die: writes answer 503 within a bound instead of hanging, nothing
   * is half-written (the checks pass), and buys succeed again once the replicas are back, untouched.
   * Seed 7 takes the catalog group's majority: without the order group's, buys are still answered
   * (AnsweredBeforeRecordedIT), so there would be no 503 to see.
   */
  @Test
  void losingAMajorityMakesWritesFailFastAndTheyResumeByThemselves() throws Exception {
    Nemesis.Timing oneLongOutage = new Nemesis.Timing(5_000, 5_001, 0, 1, 0, 1, 20_000, Duration.ofSeconds(120));
    ChaosRun.Report r = ChaosRun.run(ChaosRun.Options.of(Duration.ofSeconds(35), 8, 7L,
        Set.of(Nemesis.Fault.MAJORITY), results(), launcher()).withTiming(oneLongOutage), System.out);
    assertThat(r.violations()).as("violations (see %s)", r.directory()).isEmpty();
    History.Event loss = r.events().stream().filter(e -> e.action().equals("majority-loss")).findFirst().orElseThrow();
    long restartAt = r.events().stream().filter(e -> e.action().equals("restart") && e.atNanos() > loss.atNanos())
        .mapToLong(History.Event::atNanos).min().orElseThrow();
    List<Op.Attempt> during = r.history().stream().filter(op -> op.kind() == Op.Kind.BUY)
        .flatMap(op -> op.attempts().stream())
        .filter(a -> a.startNanos() > loss.atNanos() + 1_000_000_000L && a.startNanos() < restartAt).toList();
    assertThat(during).as("buy attempts started while the majority was lost").isNotEmpty()
        .allSatisfy(a -> {
          // No hang: an answer came before the client's own timeout (status -1 would mean none did).
          assertThat(a.status()).as("an answer to a buy without quorum").isNotEqualTo(-1);
          assertThat(Duration.ofNanos(a.endNanos() - a.startNanos())).isLessThan(Duration.ofSeconds(25));
          if (a.endNanos() < restartAt) {
            assertThat(a.status()).as("answer to a buy that ended before any replica came back").isEqualTo(503);
          }
        });
    long healed = r.events().stream().filter(e -> e.action().equals("healed")).mapToLong(History.Event::atNanos)
        .max().orElseThrow();
    assertThat(r.history()).as("a buy started after the replicas came back succeeded")
        .anyMatch(op -> op.kind() == Op.Kind.BUY && op.ok() && op.invokeNanos() > healed);
  }

  private static Path results() {
    return Path.of(System.getProperty("pygmy.chaosResults", System.getProperty("java.io.tmpdir") + "/pygmy-chaos-it"));
  }

  private static LocalCluster.Launcher launcher() {
    String jar = System.getProperty("pygmy.jar");
    return jar != null && Files.exists(Path.of(jar))
        ? LocalCluster.Launcher.jar(LocalCluster.Launcher.currentJvm().java(), Path.of(jar))
        : LocalCluster.Launcher.currentJvm();
  }
}
