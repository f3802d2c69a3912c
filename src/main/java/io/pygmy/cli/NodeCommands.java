package io.pygmy.cli;

import io.pygmy.catalog.CatalogNode;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.frontend.AdminToken;
import io.pygmy.frontend.FrontendNode;
import io.pygmy.order.OrderNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The three node commands: each runs one node in the foreground until it is signalled. */
public final class NodeCommands {
  private NodeCommands() {}

  /** Which node of the config to run: by 1-based index within its tier, or by name. */
  static final class Which {
    @Option(names = "--id", paramLabel = "N", description = "Run the N-th node of this tier in the config (1-based).")
    Integer id;

    @Option(names = "--name", paramLabel = "NAME", description = "Run the node with this name.")
    String name;
  }

  abstract static class NodeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Which which;

    abstract Service service();

    abstract AutoCloseable start(ClusterConfig config, NodeAddress node, Path nodeDir) throws Exception;

    @Override
    public Integer call() throws Exception {
      ClusterConfig config = options.load();
      NodeAddress node = which == null || which.id == null && which.name == null ? config.node(service(), 1)
          : which.name != null ? config.node(which.name) : config.node(service(), which.id);
      if (node.service() != service()) {
        throw new IllegalArgumentException(node.name() + " is a " + node.service().id() + " node");
      }
      AutoCloseable running = start(config, node, options.data.resolve(node.name()));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          running.close();
        } catch (Exception ignored) {
          // Exiting anyway.
        }
        stopped.countDown();
      }, "shutdown"));
      stopped.await();
      return 0;
    }
  }

  @Command(name = "catalog", mixinStandardHelpOptions = true, description = "Run one catalog replica.")
  public static final class Catalog extends NodeCommand {
    @Option(names = "--books", paramLabel = "FILE", description = "Initial books (JSON) for a fresh catalog; default: the seed's seven.")
    Path books;

    @Override
    Service service() {
      return Service.CATALOG;
    }

    @Override
    AutoCloseable start(ClusterConfig config, NodeAddress node, Path nodeDir) throws Exception {
      return CatalogNode.start(config, node, nodeDir, books);
    }
  }

  @Command(name = "order", mixinStandardHelpOptions = true, description = "Run one order replica.")
  public static final class Order extends NodeCommand {
    @Override
    Service service() {
      return Service.ORDER;
    }

    @Override
    AutoCloseable start(ClusterConfig config, NodeAddress node, Path nodeDir) throws Exception {
      return OrderNode.start(config, node, nodeDir);
    }
  }

  @Command(name = "frontend", mixinStandardHelpOptions = true, description = "Run one frontend.")
  public static final class Frontend extends NodeCommand {
    @Override
    Service service() {
      return Service.FRONTEND;
    }

    @Override
    AutoCloseable start(ClusterConfig config, NodeAddress node, Path nodeDir) throws Exception {
      return FrontendNode.start(config, node, AdminToken.load(System.getenv(), options.adminTokenFile()));
    }
  }
}
