package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Replicas killed with SIGKILL while they apply batches and take snapshots (a snapshot every 100 entries
 * here, so many kills land inside one), leaders and followers of both groups, under steady buys: each
 * comes back on its own store, catches up, and ends with the same digest as its peers; no confirmed
 * order is missing or changed.
 */
class CrashRecoveryIT {
  @Test
  void replicasKilledMidBatchAndMidSnapshotRecoverToTheirPeersDigest() throws Exception {
    Path dir = Files.createTempDirectory("pygmy-it-crash-");
    int[] stocks = new int[5];
    java.util.Arrays.fill(stocks, 1_000_000);
    try (TestCluster c = TestCluster.start("crash", 1, TestCluster.books(dir, stocks),
        TestCluster.settings().with("snapshotEveryEntries", 100).with("snapshotEveryLogBytes", 1 << 20)
        .with("raftLogSegmentBytes", 256 << 10))) {
      Buyers buyers = new Buyers().keepIds();
      Thread load = buyers.runInBackground(c.frontend(), 16, 5);
      Random random = new Random(20261204);
      List<NodeAddress> replicas = new ArrayList<>(c.replicas(Service.CATALOG));
      replicas.addAll(c.replicas(Service.ORDER));
      try {
        for (int round = 0; round < 6; round++) {
          NodeAddress victim = round % 3 == 2
              ? c.replicas(round % 2 == 0 ? Service.CATALOG : Service.ORDER).stream()
                  .filter(n -> c.leader(n.service()).orElse("").equals(n.name())).findFirst()
                  .orElse(replicas.get(random.nextInt(replicas.size())))
              : replicas.get(random.nextInt(replicas.size()));
          awaitMoreOrders(buyers, 300);
          assertThat(c.local.kill(victim.name())).as("killed " + victim.name()).isTrue();
          awaitMoreOrders(buyers, 300);
          c.local.start(victim.name());
          c.awaitCaughtUp(victim, Duration.ofSeconds(60));
        }
      } finally {
        buyers.stop();
        load.join();
      }
      c.awaitConverged(Service.CATALOG, Duration.ofSeconds(60));
      c.awaitConverged(Service.ORDER, Duration.ofSeconds(60));
      assertThat(buyers.confirmed.sum()).isGreaterThan(3000);

      Map<Long, String> status = new HashMap<>();
      long after = 0;
      while (true) {
        JsonNode page = c.get(c.frontend() + "/api/orders?after=" + after + "&limit=100").json();
        for (JsonNode o : page.path("orders")) {
          status.put(o.path("id").asLong(), o.path("status").asText());
        }
        if (page.path("next").isNull()) {
          break;
        }
        after = page.path("next").asLong();
      }
      for (long id : buyers.confirmedIds) {
        assertThat(status.get(id)).as("confirmed order %d", id).isEqualTo("CONFIRMED");
      }
    }
  }

  private static void awaitMoreOrders(Buyers buyers, long more) {
    long target = buyers.confirmed.sum() + more;
    await("another " + more + " orders").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> buyers.confirmed.sum() >= target);
  }
}
