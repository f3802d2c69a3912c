package io.pygmy;

import io.pygmy.bench.BenchCommand;
import io.pygmy.chaos.ChaosCommand;
import io.pygmy.cli.ClientCommands;
import io.pygmy.cli.ClusterCommands;
import io.pygmy.cli.NodeCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pygmy}: one jar, one subcommand per role. */
@Command(name = "pygmy", mixinStandardHelpOptions = true, version = "pygmy 1.0",
    description = "A replicated, cached, Raft-consistent bookstore.",
    subcommands = {
        NodeCommands.Catalog.class,
        NodeCommands.Order.class,
        NodeCommands.Frontend.class,
        ClusterCommands.Up.class,
        ClusterCommands.Status.class,
        ClusterCommands.Kill.class,
        ClusterCommands.Start.class,
        ClusterCommands.Down.class,
        ClientCommands.Search.class,
        ClientCommands.Lookup.class,
        ClientCommands.Buy.class,
        ClientCommands.Restock.class,
        ClientCommands.SetCost.class,
        ClientCommands.Orders.class,
        ClientCommands.Traffic.class,
        BenchCommand.class,
        ChaosCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    exitWithParentIfAsked();
    System.exit(commandLine().execute(args));
  }

  /** The command line as {@code main} runs it: a bad argument found while running is a usage error (2). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
        cmd.getErr().println("pygmy: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli;
  }

  /** Test clusters tie their nodes to the test JVM, so a killed test run leaves no orphan nodes. */
  private static void exitWithParentIfAsked() {
    String pid = System.getProperty("pygmy.exitWithPid");
    if (pid != null) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(
          parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
          () -> Runtime.getRuntime().halt(0));
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
