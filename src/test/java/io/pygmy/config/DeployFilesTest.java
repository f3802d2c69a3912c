package io.pygmy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.pygmy.http.Json;
import org.junit.jupiter.api.Test;

/** The node lists in deploy/ must be configs the nodes accept, with three replicas per Raft group. */
class DeployFilesTest {
  private static final Path DEPLOY = Path.of("deploy");

  @Test
  void composeNodeListIsAValidCluster() throws IOException {
    String compose = Files.readString(DEPLOY.resolve("docker-compose.yml"));
    Matcher m = Pattern.compile("PYGMY_NODES: >-\\n((?: {6}.*\\n)+)").matcher(compose);
    assertThat(m.find()).as("PYGMY_NODES block in docker-compose.yml").isTrue();
    ClusterConfig config = load(m.group(1).replaceAll("\\s+", " "));

    assertReplicated(config);
    assertThat(config.bindHost()).isEqualTo("0.0.0.0");
    // Every node the config names is a compose service running that node.
    for (NodeAddress node : config.nodes()) {
      assertThat(compose).contains("  " + node.name() + ":\n");
      assertThat(compose).contains("[\"" + node.service().id() + "\", \"--name\", \"" + node.name() + "\"]");
      assertThat(node.host()).isEqualTo(node.name());
    }
  }

  @Test
  void kubernetesNodeListMatchesTheStatefulSets() throws IOException {
    String manifest = Files.readString(DEPLOY.resolve("k8s/pygmy.yaml"));
    Matcher m = Pattern.compile("PYGMY_NODES: \"([^\"]+)\"").matcher(manifest);
    assertThat(m.find()).isTrue();
    ClusterConfig config = load(m.group(1));

    assertReplicated(config);
    for (Service service : Service.values()) {
      List<NodeAddress> nodes = config.nodes(service);
      String tier = service.id();
      Matcher replicas = Pattern.compile("kind: StatefulSet\\nmetadata: \\{name: " + tier + ",[^\\n]*\\nspec:\\n"
          + "  serviceName: " + tier + "\\n  replicas: (\\d+)").matcher(manifest);
      assertThat(replicas.find()).as("StatefulSet " + tier).isTrue();
      assertThat(nodes).hasSize(Integer.parseInt(replicas.group(1)));
      for (int i = 0; i < nodes.size(); i++) {
        // StatefulSet pods are NAME-0..n-1 and resolve as NAME-i.SERVICE through the headless service.
        assertThat(nodes.get(i).name()).isEqualTo(tier + "-" + i);
        assertThat(nodes.get(i).host()).isEqualTo(tier + "-" + i + "." + tier);
      }
    }
  }

  private static ClusterConfig load(String nodes) {
    return ClusterConfig.fromJson(Json.MAPPER.createObjectNode(), Map.of("PYGMY_NODES", nodes, "PYGMY_BIND_HOST", "0.0.0.0"), Map.of());
  }

  private static void assertReplicated(ClusterConfig config) {
    assertThat(config.nodes(Service.CATALOG)).hasSize(3);
    assertThat(config.nodes(Service.ORDER)).hasSize(3);
    assertThat(config.nodes(Service.FRONTEND)).isNotEmpty();
  }
}
