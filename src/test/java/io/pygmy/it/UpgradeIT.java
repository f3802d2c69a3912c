package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The upgrade from the release that kept state in heap: a data directory that release wrote (JSON
 * snapshots plus Raft log, its nodes killed with SIGKILL; see src/test/resources/upgrade/make-fixture.sh)
 * is started by today's nodes. Each replica imports its snapshot into its store, replays the log after
 * it, and the store answers exactly what the old one did: the same books and stock, the same 305 orders;
 * then it goes on selling.
 */
class UpgradeIT {
  static final String FIXTURE = "/upgrade/store-8663ef9.tar.gz";
  static final String EXPECTED = "/upgrade/expected-8663ef9.json";

  @Test
  void aStoreWrittenByTheHeapReleaseIsMigratedOnFirstStartAndAnswersAsBefore() throws Exception {
    Path root = Files.createTempDirectory("pygmy-it-upgrade-");
    untar(FIXTURE, root);
    Path data = root.resolve("store");
    JsonNode expected;
    try (InputStream in = UpgradeIT.class.getResourceAsStream(EXPECTED)) {
      expected = Json.MAPPER.readTree(in);
    }
    ClusterConfig config = ClusterConfig.load(data.resolve("cluster.json"), Map.of(), Map.of());
    try (LocalCluster local = new LocalCluster(config, data, TestCluster.launcher(java.util.List.of()))
        .tieToThisProcess()) {
      local.startAll();
      local.awaitReady(Duration.ofSeconds(120));
      TestCluster c = TestCluster.attach(local, data);
      String fe = c.frontend();

      assertThat(c.get(fe + "/api/books").json().path("books")).isEqualTo(expected.path("books").path("books"));
      for (JsonNode order : expected.path("orders")) {
        JsonNode now = c.get(fe + "/api/orders/" + order.path("id").asLong()).json();
        assertThat(now).as("order %s", order.path("id")).isEqualTo(order);
      }
      // A retry of a buy the old release confirmed is still that order.
      JsonNode retry = c.post(fe + "/api/orders", "{\"item\":2,\"quantity\":1}", "Idempotency-Key", "fixture-buy-1")
          .json();
      assertThat(retry.path("id").asLong()).isEqualTo(1);
      TestCluster.Reply next = c.post(fe + "/api/orders", "{\"item\":3}");
      assertThat(next.status()).isEqualTo(201);
      assertThat(next.json().path("id").asLong()).isEqualTo(306);

      c.awaitConverged(Service.CATALOG, Duration.ofSeconds(60));
      c.awaitConverged(Service.ORDER, Duration.ofSeconds(60));
      for (NodeAddress n : config.nodes()) {
        if (n.service().replicated()) {
          assertThat(hasLegacyJson(data.resolve(n.name()))).as("%s kept its JSON snapshots aside", n.name()).isTrue();
        }
      }
    }
  }

  private static boolean hasLegacyJson(Path nodeDir) throws IOException {
    try (Stream<Path> walk = Files.walk(nodeDir)) {
      return walk.anyMatch(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("legacy-json")
          && p.getFileName().toString().startsWith("snapshot."));
    }
  }

  private static void untar(String resource, Path into) throws IOException, InterruptedException {
    Path archive = into.resolve("fixture.tar.gz");
    try (InputStream in = UpgradeIT.class.getResourceAsStream(resource)) {
      Files.copy(in, archive);
    }
    Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
    assertThat(tar.waitFor()).isZero();
  }
}
