package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pygmy.config.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys are forgotten after the retention window, measured on the log clock: a retry within it
 * gets the first order, a retry after it places a new one, and every replica of both groups forgets the
 * key at the same entry (their digests agree). A two-second window stands for the default day.
 */
class KeyRetentionIT {
  @Test
  void aKeyIsRememberedForTheWindowAndForgottenAfterItOnEveryReplica() throws Exception {
    Path dir = Files.createTempDirectory("pygmy-it-keys-");
    try (TestCluster c = TestCluster.start("keys", 1, TestCluster.books(dir, 1000, 1000),
        TestCluster.settings().with("keyRetentionMillis", 2000))) {
      TestCluster.Reply first = c.post(c.frontend() + "/api/orders", "{\"item\":1}", "Idempotency-Key", "retry-me");
      assertThat(first.status()).isEqualTo(201);
      long firstId = first.json().path("id").asLong();
      long placedAt = first.json().path("placedAtMillis").asLong();

      TestCluster.Reply retry = c.post(c.frontend() + "/api/orders", "{\"item\":1}", "Idempotency-Key", "retry-me");
      assertThat(retry.json().path("id").asLong()).as("a retry within the window").isEqualTo(firstId);

      // Other buys move the log clock; once one is stamped past the window the key is forgotten.
      AtomicInteger n = new AtomicInteger();
      await("the log clock passes the window").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            TestCluster.Reply other = c.post(c.frontend() + "/api/orders", "{\"item\":2}", "Idempotency-Key",
                "clock-" + n.incrementAndGet());
            return other.json().path("placedAtMillis").asLong() - placedAt > 2000;
          });
      TestCluster.Reply later = c.post(c.frontend() + "/api/orders", "{\"item\":1}", "Idempotency-Key", "retry-me");
      assertThat(later.status()).isEqualTo(201);
      assertThat(later.json().path("id").asLong()).as("a retry after the window is a new order").isNotEqualTo(firstId);
      assertThat(c.get(c.frontend() + "/api/orders/" + firstId).json().path("key").asText())
          .as("the first order is kept").isEqualTo("retry-me");

      // A different item under the key is a new order now, not a conflict.
      c.awaitConverged(Service.CATALOG, Duration.ofSeconds(30));
      c.awaitConverged(Service.ORDER, Duration.ofSeconds(30));
      assertThat(c.stockOn(c.replicas(Service.CATALOG).get(2), 1)).isEqualTo(998);
    }
  }
}
