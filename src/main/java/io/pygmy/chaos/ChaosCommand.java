package io.pygmy.chaos;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code pygmy chaos}: attacks a local cluster and checks the store's guarantees (issue 5). */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Fault injection against a local cluster, then invariant checks on the history.")
public final class ChaosCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("pygmy chaos: not built yet");
    return 2;
  }
}
