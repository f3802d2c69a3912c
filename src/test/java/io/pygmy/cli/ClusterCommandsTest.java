package io.pygmy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCommandsTest {
  @Test
  void reportsNodesThatExitCameBackOrWereReplaced() {
    Map<String, Long> before = new LinkedHashMap<>(Map.of("catalog-1", 10L, "catalog-2", 11L, "order-1", 12L));
    Map<String, Long> after = new LinkedHashMap<>(Map.of("catalog-2", 11L, "order-1", 20L, "frontend-1", 30L));
    assertThat(ClusterCommands.changes(before, after)).containsExactlyInAnyOrder(
        "catalog-1 is down (pid 10 exited)",
        "order-1 restarted (pid 12 -> 20)",
        "frontend-1 is running again (pid 30)");
    assertThat(ClusterCommands.changes(after, after)).isEmpty();
  }

  @Test
  void describesTheShapeOfAConfig() {
    ClusterConfig config = LocalCluster.localConfig(3, 2, 1, Settings.defaults());
    assertThat(ClusterCommands.shape(config)).isEqualTo("6 nodes (3 catalog, 2 order, 1 frontend)");
    assertThat(ClusterCommands.describe(new LinkedHashMap<>(Map.of("catalog-1", 5L))))
        .isEqualTo("catalog-1 (pid 5)");
  }

  @Test
  void freshDeletesOnlyDirectoriesAClusterMade(@TempDir Path dir) throws IOException {
    assertThat(ClusterCommands.looksLikeDataDir(dir)).as("empty").isTrue();
    Files.writeString(dir.resolve("cluster.json"), "{}");
    assertThat(ClusterCommands.looksLikeDataDir(dir)).as("only a kept config").isTrue();
    Files.writeString(dir.resolve("notes.txt"), "mine");
    assertThat(ClusterCommands.looksLikeDataDir(dir)).as("a folder that holds a config among other files").isFalse();
    Files.createDirectory(dir.resolve("run"));
    assertThat(ClusterCommands.looksLikeDataDir(dir)).as("a cluster ran here").isTrue();
  }

  @Test
  void showsPathsUnderTheWorkingDirectoryRelativeToIt() {
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(ClusterCommands.display(cwd.resolve("data"))).isEqualTo("data");
    assertThat(ClusterCommands.display(cwd)).isEqualTo(".");
    assertThat(ClusterCommands.display(Path.of("/definitely/elsewhere"))).isEqualTo("/definitely/elsewhere");
  }

  @Test
  void startsNodesFromAJarOnlyWhenTheCodeComesFromOne(@TempDir Path dir) throws IOException {
    Path jar = Files.writeString(dir.resolve("pygmy.jar"), "not really");
    assertThat(ClusterCommands.jarAt(jar)).contains(jar.toAbsolutePath());
    assertThat(ClusterCommands.jarAt(dir)).as("a classes directory").isEmpty();
    assertThat(ClusterCommands.jarAt(dir.resolve("missing.jar"))).isEmpty();
  }

  @Test
  void findsAPortHeldByAnotherProcess() throws IOException {
    try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NodeAddress node = new NodeAddress("frontend-1", Service.FRONTEND, "127.0.0.1", held.getLocalPort(), 0);
      ClusterConfig config = LocalCluster.localConfig(1, 1, 1, Settings.defaults());
      Optional<String> problem = ClusterCommands.hostAndPortProblems(List.of(node), config);
      assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains(held.getLocalPort() + " (frontend-1 http)"));
    }
  }

  @Test
  void freePortsAreNoProblem() {
    ClusterConfig config = LocalCluster.localConfig(1, 1, 1, Settings.defaults());
    assertThat(ClusterCommands.hostAndPortProblems(config.nodes(), config)).isEmpty();
  }

  @Test
  void refusesAHostThatIsNotThisMachine() {
    NodeAddress remote = new NodeAddress("catalog-1", Service.CATALOG, "192.0.2.1", 9101, 9201); // TEST-NET-1
    ClusterConfig config = LocalCluster.localConfig(1, 1, 1, Settings.defaults());
    assertThat(ClusterCommands.hostAndPortProblems(List.of(remote), config))
        .hasValueSatisfying(p -> assertThat(p).contains("not an address of this machine"));
  }

  @Test
  void findsNoRunningNodesInADirectoryWithoutPidFiles(@TempDir Path dir) throws IOException {
    assertThat(ClusterCommands.runningNodes(dir)).isEmpty();
    Files.createDirectories(dir.resolve("run"));
    Files.writeString(dir.resolve("run/catalog-1.pid"), Long.toString(ProcessHandle.current().pid()));
    assertThat(ClusterCommands.runningNodes(dir)).as("a live pid that is not that node").isEmpty();
  }

  @Test
  void tailsTheEndOfALog(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("n.log");
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      text.append("line ").append(i).append('\n');
    }
    Files.writeString(log, text);
    List<String> lines = ClusterCommands.tail(log).lines().toList();
    assertThat(lines).hasSize(ClusterCommands.LOG_TAIL_LINES).endsWith("line 100");
    assertThat(ClusterCommands.tail(dir.resolve("missing.log"))).startsWith("(cannot read");
  }
}
