package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A buy is answered once the catalog has reserved it, before its order is recorded: so buys go on while
 * the order group has no quorum, and an order read that comes before the recording still finds the
 * order, the one the buyer was given. The reconciler is switched off here (its first pass is an hour
 * away), so the reads themselves must record what is missing.
 */
class AnsweredBeforeRecordedIT {
  private static TestCluster c;

  @BeforeAll
  static void start() throws IOException {
    c = TestCluster.start("answered", 1, TestCluster.books(Files.createTempDirectory("pygmy-answered-"), 100, 100),
        TestCluster.settings().with("reconcileIntervalMillis", 3_600_000));
  }

  @AfterAll
  static void stop() {
    if (c != null) {
      c.close();
    }
  }

  @Test
  void ordersAnsweredWhileTheOrderGroupHadNoQuorumAreFoundByTheFirstReads() {
    JsonNode before = buy("before-outage", 1);
    assertThat(before.path("id").asLong()).isEqualTo(1);
    // Recorded by its coordinator a moment after the answer, on every replica, before the outage.
    await("the first order recorded everywhere").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> c.replicas(Service.ORDER).stream()
            .allMatch(n -> localSummary(n).path("reconciledThroughSeq").asLong() == 1));

    // The leader and one follower die: the survivor is a follower, so nothing it is sent can be
    // appended anywhere and recorded later by itself.
    String leader = c.leader(Service.ORDER).orElseThrow();
    List<String> killed = new ArrayList<>(List.of(leader));
    c.replicas(Service.ORDER).stream().map(NodeAddress::name).filter(n -> !n.equals(leader)).findFirst()
        .ifPresent(killed::add);
    killed.forEach(n -> assertThat(c.local.kill(n)).isTrue());
    String survivor = c.replicas(Service.ORDER).stream().map(NodeAddress::name).filter(n -> !killed.contains(n))
        .findFirst().orElseThrow();

    JsonNode first = buy("during-outage-1", 1);
    JsonNode second = buy("during-outage-2", 2);
    assertThat(first.path("id").asLong()).isEqualTo(2);
    assertThat(second.path("id").asLong()).isEqualTo(3);
    assertThat(first.path("status").asText()).isEqualTo("CONFIRMED");
    // Only once the survivor has given up recording them may the others come back: a recording still
    // being retried then would land, and the reads below would have nothing left to do.
    await("the survivor gives up recording both").atMost(Duration.ofSeconds(60))
        .until(() -> {
          List<String> failed = Files.readAllLines(c.local.logFile(survivor)).stream()
              .filter(l -> l.contains("answered orders") && l.contains("failed")).toList();
          return failed.stream().anyMatch(l -> l.contains("during-outage-1"))
              && failed.stream().anyMatch(l -> l.contains("during-outage-2"));
        });

    killed.forEach(n -> {
      try {
        c.local.start(n);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    await("an order leader again").atMost(Duration.ofSeconds(60)).until(() -> c.leader(Service.ORDER).isPresent());
    await("every order replica answers").atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> c.replicas(Service.ORDER).stream().allMatch(n -> localSummary(n).path("count").asLong() >= 1));
    for (NodeAddress n : c.replicas(Service.ORDER)) {
      assertThat(localSummary(n).path("reconciledThroughSeq").asLong()).as("orders recorded on %s", n.name())
          .isEqualTo(1);
    }

    // A read of one order records it, as it was answered.
    TestCluster.Reply byId = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> c.get(c.frontend() + "/api/orders/2"), r -> r.status() == 200);
    assertThat(byId.json()).isEqualTo(first);
    // A read of recent orders records every reservation the order log lacks.
    TestCluster.Reply recent = c.get(c.frontend() + "/api/orders?recent=10");
    assertThat(recent.status()).isEqualTo(200);
    assertThat(recent.json().path("orders")).containsExactly(second, first, before);
    await("every replica holds all three orders").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> c.replicas(Service.ORDER).stream()
            .allMatch(n -> localSummary(n).path("reconciledThroughSeq").asLong() == 3));
    c.awaitConverged(Service.ORDER, Duration.ofSeconds(30));
  }

  /** Buys with {@code key} until answered 201 (the frontend may first try a replica that just died). */
  private static JsonNode buy(String key, int item) {
    AtomicReference<TestCluster.Reply> last = new AtomicReference<>();
    await("buy " + key).atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      last.set(c.post(c.frontend() + "/api/orders", "{\"item\":" + item + "}", "Idempotency-Key", key));
      return last.get().status() == 201;
    });
    return last.get().json();
  }

  /** A replica's own summary, which does not catch up with the catalog. */
  private static JsonNode localSummary(NodeAddress orderReplica) {
    TestCluster.Reply r = c.get(orderReplica.httpUrl() + "/digest");
    if (r.status() != 200) {
      throw new IllegalStateException(orderReplica.name() + " answered " + r.status());
    }
    return r.json();
  }
}
