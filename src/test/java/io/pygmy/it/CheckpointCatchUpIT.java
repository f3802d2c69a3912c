package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A replica that fell behind the leader's log (its entries were purged behind a snapshot) or lost its
 * disk catches up from a checkpoint of a peer's store, not by replaying history; one killed while the
 * checkpoint is being installed recovers and installs it again.
 */
class CheckpointCatchUpIT {
  @Test
  void aWipedReplicaInstallsAPeersCheckpointEvenWhenKilledDuringTheInstall() throws Exception {
    Path dir = Files.createTempDirectory("pygmy-it-checkpoint-");
    int[] stocks = new int[5];
    java.util.Arrays.fill(stocks, 1_000_000);
    try (TestCluster c = TestCluster.start("checkpoint", 1, TestCluster.books(dir, stocks),
        TestCluster.settings().with("snapshotEveryEntries", 100).with("snapshotEveryLogBytes", 1 << 20)
        .with("raftLogSegmentBytes", 256 << 10))) {
      for (Service service : new Service[] {Service.CATALOG, Service.ORDER}) {
        String leader = c.leader(service).orElseThrow();
        NodeAddress follower = c.replicas(service).stream().filter(n -> !n.name().equals(leader)).findFirst()
            .orElseThrow();
        c.local.stop(follower.name(), Duration.ofSeconds(10));
        assertThat(new Buyers().run(c.frontend(), 8, 4000, 5).refusedCount()).isZero();
        wipe(c.dataDir.resolve(follower.name()));

        c.local.start(follower.name());
        Path sm = stateMachineDir(c.dataDir.resolve(follower.name()));
        // Kill it while the download is on disk but not yet swapped in, when the timing allows; either way
        // the restarted replica must end as its peers do.
        boolean killedMidInstall = awaitQuietly(() -> sm != null && Files.exists(sm.getParent()) && hasIncoming(c,
            follower), Duration.ofSeconds(20));
        if (killedMidInstall) {
          c.local.kill(follower.name());
          c.local.start(follower.name());
        }
        c.awaitCaughtUp(follower, Duration.ofSeconds(60));
        assertThat(Files.readString(c.local.logFile(follower.name())))
            .as("caught up by checkpoint").contains("installed a peer's checkpoint");
        c.awaitConverged(service, Duration.ofSeconds(60));
        System.out.printf("CheckpointCatchUpIT: %s %s killed during its install%n", follower.name(),
            killedMidInstall ? "was" : "was not");
      }
    }
  }

  /** Whether the replica has a downloaded checkpoint (or a part of one) on disk. */
  private static boolean hasIncoming(TestCluster c, NodeAddress replica) throws IOException {
    Path root = c.dataDir.resolve(replica.name());
    if (!Files.exists(root)) {
      return false;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.anyMatch(p -> p.getFileName().toString().startsWith("kv.incoming"));
    }
  }

  private static Path stateMachineDir(Path nodeDir) {
    return nodeDir.resolve("raft");
  }

  private static boolean awaitQuietly(java.util.concurrent.Callable<Boolean> condition, Duration atMost) {
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(condition);
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
