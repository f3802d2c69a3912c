package io.pygmy.frontend;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's kill and restart buttons, for a cluster on this machine run by {@code pygmy up}. It
 * exists only when {@link LocalCluster#NODE_CONTROL_PROPERTY} names the cluster's data directory; in
 * every other mode there is no such object and no such route. Only replicas can be acted on: killing
 * the frontend would take the dashboard down with it.
 */
final class NodeControl {
  private final LocalCluster cluster;

  private NodeControl(LocalCluster cluster) {
    this.cluster = cluster;
  }

  /** Present only when this frontend was started by a local cluster that offers node control. */
  static Optional<NodeControl> fromSystemProperties(ClusterConfig config) {
    String dir = System.getProperty(LocalCluster.NODE_CONTROL_PROPERTY);
    if (dir == null || dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
      return Optional.empty();
    }
    LocalCluster cluster = new LocalCluster(config, Path.of(dir), LocalCluster.Launcher.currentJvm());
    if (System.getProperty("pygmy.exitWithPid") != null) {
      cluster.tieToThisProcess(); // a test's cluster: nodes restarted from here die with this frontend
    }
    return Optional.of(new NodeControl(cluster));
  }

  Path dataDir() {
    return cluster.dataDir();
  }

  /** SIGKILL, as {@code pygmy kill NAME}. */
  Map<String, Object> kill(String name) {
    NodeAddress node = replica(name);
    Optional<Long> pid = cluster.pid(node.name());
    boolean killed = pid.isPresent() && cluster.kill(node.name());
    return answer(node, killed ? "killed" : "not running", pid.orElse(null));
  }

  /** Starts the node again with its own data, as {@code pygmy start NAME --no-wait}. */
  Map<String, Object> start(String name) {
    NodeAddress node = replica(name);
    Optional<Long> running = cluster.pid(node.name());
    if (running.isPresent()) {
      return answer(node, "already running", running.get());
    }
    try {
      return answer(node, "started", cluster.start(node.name()));
    } catch (IOException | IllegalStateException e) {
      throw new ApiException(ErrorCode.INTERNAL, "could not start " + name + ": " + e.getMessage());
    }
  }

  private NodeAddress replica(String name) {
    NodeAddress node;
    try {
      node = cluster.config().node(name);
    } catch (RuntimeException e) {
      throw ApiException.notFound("no node named " + name);
    }
    if (node.service() == Service.FRONTEND) {
      throw ApiException.badRequest("only catalog and order replicas can be killed or started from the dashboard");
    }
    return node;
  }

  private static Map<String, Object> answer(NodeAddress node, String outcome, Long pid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", node.name());
    m.put("outcome", outcome);
    if (pid != null) {
      m.put("pid", pid);
    }
    return m;
  }
}
