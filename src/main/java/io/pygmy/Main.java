package io.pygmy;

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
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
        cmd.getErr().println("pygmy: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    System.exit(cli.execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
