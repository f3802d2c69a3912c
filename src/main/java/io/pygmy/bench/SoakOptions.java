package io.pygmy.bench;

import io.pygmy.cli.DurationText;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The soak's options on {@code pygmy bench}: how many orders, how often a row, when to restart followers. */
final class SoakOptions {
  /** Default confirmed orders: well past the 250,000 a heap-only store holds. */
  static final long DEFAULT_ORDERS = 2_000_000;

  @Option(names = "--orders", paramLabel = "N", defaultValue = "" + DEFAULT_ORDERS,
      description = "soak: confirmed orders to place (default: ${DEFAULT-VALUE}); the clients are the largest "
          + "of --clients.")
  long orders;

  @Option(names = "--soak-interval", paramLabel = "DURATION", defaultValue = "60s", converter = DurationText.class,
      description = "soak: one row (rate, latency, failures, memory and disk per node) per interval "
          + "(default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = "--soak-restart-at", paramLabel = "N",
      description = "soak: after N confirmed orders, SIGKILL one catalog and one order follower, restart them "
          + "after --soak-down and time their catch-up; 0 for none (default: half of --orders).")
  Long restartAt;

  @Option(names = "--soak-down", paramLabel = "DURATION", defaultValue = "10s", converter = DurationText.class,
      description = "soak: how long the killed followers stay down (default: ${DEFAULT-VALUE}).")
  Duration down;

  @Option(names = "--soak-wipe", description = "soak: delete the killed followers' data directories before "
      + "restarting them (catch-up of an empty replica).")
  boolean wipe;

  @Option(names = "--soak-settle", paramLabel = "DURATION", defaultValue = "10s",
      description = "soak: quiet time before each memory measurement (idle, and after the load); 0 for none "
          + "(default: ${DEFAULT-VALUE}).")
  String settle;

  @Option(names = "--soak-catchup-timeout", paramLabel = "DURATION", defaultValue = "120s",
      converter = DurationText.class,
      description = "soak: how long a restarted follower may take to catch up (default: ${DEFAULT-VALUE}).")
  Duration catchUpTimeout;

  /** Orders confirmed before the followers are killed; 0 when the catch-up measurement is off. */
  long restartAt() {
    return restartAt == null ? orders / 2 : restartAt;
  }

  Duration settle() {
    return BenchCommand.parseWarmup(settle);
  }

  void validate() {
    if (orders < 1 || orders > 1_000_000_000L) {
      throw new IllegalArgumentException("--orders must be in 1..1000000000");
    }
    if (restartAt() < 0 || restartAt() >= orders) {
      throw new IllegalArgumentException("--soak-restart-at must be in 0.." + (orders - 1) + " (0: no restart)");
    }
    if (interval.toMillis() < 100) {
      throw new IllegalArgumentException("--soak-interval must be at least 100ms");
    }
    settle();
  }

  SoakResult.Options resolved(int clients, List<Integer> items) {
    return new SoakResult.Options(orders, clients, interval.toMillis() / 1000.0, restartAt(),
        down.toMillis() / 1000.0, wipe, settle().toMillis() / 1000.0, catchUpTimeout.toMillis() / 1000.0, items);
  }
}
