package io.pygmy.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code pygmy bench}: measures a running store (issue 4). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure the store: per-tier latency, cache, invalidation, scale, failover.")
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("pygmy bench: not built yet");
    return 2;
  }
}
