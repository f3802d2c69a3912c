package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A follower whose leader's process is gone starts an election at once ({@code LeaderWatch}), and one
 * whose leader is only paused does not. The election timeout is set to 15-20 s here, so Raft's own timer
 * cannot elect anyone within the waits below: a new leader within them can only come from the watch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderGoneIT {
  /** Far below the 15 s election timeout, far above the watch's ~0.2 s plus an election. */
  private static final Duration NEW_LEADER_WITHIN = Duration.ofSeconds(6);
  private static TestCluster c;

  @BeforeAll
  static void start() throws IOException {
    c = TestCluster.start("leader-gone", 1, null, TestCluster.settings()
        .with("electionTimeoutMaxMillis", 20_000)
        .with("electionTimeoutMinMillis", 15_000));
  }

  @Test
  @Order(1)
  void aPausedLeaderIsNotTakenForGone() {
    String leader = c.leader(Service.CATALOG).orElseThrow();
    assertThat(c.local.pause(leader)).isTrue();
    try {
      // A paused process still accepts connections (the kernel does), so nobody may start an election.
      // (The paused replica itself is not asked: it would not answer.)
      await("no election while " + leader + " is only paused").during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(4)).until(() -> electionsForGoneLeader(Service.CATALOG, leader) == 0
              && !anotherReports(Service.CATALOG, leader, "LEADER"));
    } finally {
      c.local.resume(leader);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> c.leader(Service.CATALOG).equals(Optional.of(leader)));
  }

  @Test
  @Order(2)
  void killingTheCatalogLeaderElectsAnotherBeforeAnyElectionTimeout() throws IOException {
    killLeaderAndAwaitAnother(Service.CATALOG);
  }

  @Test
  @Order(3)
  void killingTheOrderLeaderElectsAnotherBeforeAnyElectionTimeout() throws IOException {
    killLeaderAndAwaitAnother(Service.ORDER);
  }

  private static void killLeaderAndAwaitAnother(Service service) throws IOException {
    String leader = c.leader(service).orElseThrow();
    assertThat(buy()).isEqualTo(201);
    assertThat(c.local.kill(leader)).isTrue();
    await(service.id() + ": a new leader after " + leader + " was killed").atMost(NEW_LEADER_WITHIN)
        .until(() -> otherLeader(service, leader).isPresent());
    assertThat(electionsForGoneLeader(service, leader)).as("elections started by the leader watch").isPositive();
    await("buys after the new " + service.id() + " leader").atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> buy() == 201);
    c.local.start(leader);
    c.awaitCaughtUp(c.local.config().node(leader), Duration.ofSeconds(90));
  }

  private static Optional<String> otherLeader(Service service, String old) {
    return c.leader(service).filter(l -> !l.equals(old));
  }

  /** Whether a replica other than {@code except} reports the Raft role {@code role}. */
  private static boolean anotherReports(Service service, String except, String role) {
    return c.replicas(service).stream().filter(n -> !n.name().equals(except)).anyMatch(n ->
        role.equals(c.get(n.httpUrl() + "/status").json().path("raft").path("role").asText()));
  }

  /** Elections started by the leader watch on the replicas other than {@code except}. */
  private static long electionsForGoneLeader(Service service, String except) {
    long sum = 0;
    for (NodeAddress n : c.replicas(service)) {
      if (n.name().equals(except)) {
        continue;
      }
      try {
        TestCluster.Reply r = c.get(n.httpUrl() + "/status");
        if (r.status() == 200) {
          sum += r.json().path("details").path("electionsForGoneLeader").asLong();
        }
      } catch (UncheckedIOException e) {
        // down or paused: it started nothing we can see
      }
    }
    return sum;
  }

  private static int buy() {
    return c.post(c.frontend() + "/api/orders", "{\"item\":1}", "Idempotency-Key", "gone-" + UUID.randomUUID())
        .status();
  }

  @AfterAll
  static void stop() {
    if (c != null) {
      c.close();
    }
  }
}
