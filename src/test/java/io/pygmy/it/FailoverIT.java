package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real crashes under traffic: SIGKILL of each group's leader, a replica whose data is wiped, and the
 * proof afterwards that nothing was lost or sold twice and every replica converged.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  private static final int ITEMS = 5;
  private static final int INITIAL_STOCK = 1_000_000;
  private static TestCluster c;
  private static Traffic traffic;

  /** One buy as a client saw it. */
  record Attempt(String key, int item, long startNanos, long endNanos, int status) {}

  /** Clients buying in a loop, each buy with its own idempotency key, recording every outcome. */
  static final class Traffic implements AutoCloseable {
    final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    Traffic(int clients) {
      for (int i = 0; i < clients; i++) {
        pool.submit(this::loop);
      }
    }

    private void loop() {
      while (!stop.get()) {
        int item = 1 + ThreadLocalRandom.current().nextInt(ITEMS);
        String key = "failover-" + UUID.randomUUID();
        long start = System.nanoTime();
        int status;
        try {
          status = c.post(c.frontend() + "/api/orders", "{\"item\":" + item + "}", "Idempotency-Key", key).status();
        } catch (UncheckedIOException e) {
          status = -1; // no answer: outcome unknown
        }
        attempts.add(new Attempt(key, item, start, System.nanoTime(), status));
      }
    }

    long confirmedSince(long nanos) {
      return attempts.stream().filter(a -> a.status() == 201 && a.startNanos() >= nanos).count();
    }

    @Override
    public void close() {
      stop.set(true);
      pool.close();
    }
  }

  @BeforeAll
  static void start() throws IOException {
    Settings s = TestCluster.settings();
    Path books = TestCluster.books(Files.createTempDirectory("pygmy-failover-"),
        INITIAL_STOCK, INITIAL_STOCK, INITIAL_STOCK, INITIAL_STOCK, INITIAL_STOCK);
    // Frequent snapshots, so a wiped replica has to catch up by snapshot installation, not log replay.
    c = TestCluster.start("failover", 1, books, s.with("snapshotEveryEntries", 200));
    traffic = new Traffic(4);
    await().atMost(Duration.ofSeconds(30)).until(() -> traffic.confirmedSince(0) >= 50);
  }

  @Test
  @Order(1)
  void buysResumeAfterTheCatalogLeaderIsKilledAndTheReplicaCatchesUp() throws IOException {
    crashLeaderAndRecover(Service.CATALOG);
  }

  @Test
  @Order(2)
  void buysResumeAfterTheOrderLeaderIsKilledAndTheReplicaCatchesUp() throws IOException {
    crashLeaderAndRecover(Service.ORDER);
  }

  @Test
  @Order(3)
  void aReplicaWhoseDataIsWipedCatchesUpFromItsPeers() throws IOException {
    String leader = c.leader(Service.CATALOG).orElseThrow();
    NodeAddress victim = c.replicas(Service.CATALOG).stream().filter(n -> !n.name().equals(leader)).findFirst()
        .orElseThrow();
    assertThat(c.local.kill(victim.name())).isTrue();
    deleteRecursively(c.dataDir.resolve(victim.name()));
    long since = System.nanoTime();
    // Enough writes that every peer snapshots and purges the log the victim would need: it can only
    // come back through a snapshot. Generous: the rate depends on how busy the machine is.
    await("writes while the replica is gone").atMost(Duration.ofMinutes(3))
        .until(() -> traffic.confirmedSince(since) >= 500);
    c.local.start(victim.name());
    c.awaitCaughtUp(victim, Duration.ofSeconds(90));
    assertThat(c.stockOn(victim, 1)).isLessThan(INITIAL_STOCK);
  }

  private void crashLeaderAndRecover(Service service) throws IOException {
    String leader = c.leader(service).orElseThrow();
    long killedAt = System.nanoTime();
    assertThat(c.local.kill(leader)).isTrue();
    await(service.id() + " buys succeed again after its leader died").atMost(Duration.ofSeconds(60))
        .until(() -> traffic.confirmedSince(killedAt) >= 5);
    long firstOk = traffic.attempts.stream().filter(a -> a.status() == 201 && a.startNanos() >= killedAt)
        .mapToLong(Attempt::endNanos).min().orElseThrow();
    System.out.printf("%s leader %s killed; first buy confirmed %d ms later%n", service.id(), leader,
        (firstOk - killedAt) / 1_000_000);
    await().atMost(Duration.ofSeconds(30)).until(() -> c.leader(service).isPresent());
    c.local.start(leader);
    c.awaitCaughtUp(c.local.config().node(leader), Duration.ofSeconds(90));
  }

  @AfterAll
  static void nothingWasLostOrSoldTwice() {
    try {
      traffic.close();
      awaitReconciled();
      long[] sold = new long[ITEMS + 1];
      int unknown = 0;
      for (Attempt a : traffic.attempts) {
        boolean confirmed = a.status() == 201;
        if (a.status() != 201 && a.status() != 409) {
          unknown++;
          TestCluster.Reply r = c.get(c.frontend() + "/api/orders?key=" + a.key());
          assertThat(r.status()).as("order lookup for %s", a.key()).isIn(200, 404);
          confirmed = r.status() == 200 && r.json().path("status").asText().equals("CONFIRMED");
        }
        if (confirmed) {
          sold[a.item()]++;
        }
      }
      System.out.printf("%d buys, %d with an unknown outcome resolved by key%n", traffic.attempts.size(), unknown);
      c.awaitConverged(Service.CATALOG, Duration.ofSeconds(60));
      c.awaitConverged(Service.ORDER, Duration.ofSeconds(60));
      for (NodeAddress replica : c.replicas(Service.CATALOG)) {
        for (int item = 1; item <= ITEMS; item++) {
          assertThat(c.stockOn(replica, item)).as("stock of item %d on %s", item, replica.name())
              .isEqualTo(INITIAL_STOCK - sold[item]);
        }
      }
      long totalSold = java.util.Arrays.stream(sold).sum();
      long confirmedOrders = c.get(c.replicas(Service.ORDER).get(0).httpUrl() + "/orders/summary").json()
          .path("confirmed").asLong();
      assertThat(confirmedOrders).isEqualTo(totalSold);
    } catch (AssertionError | RuntimeException e) {
      c.dumpLogs();
      throw e;
    } finally {
      c.close();
    }
  }

  /** Every reservation the catalog made has its order recorded (the reconciler has caught up). */
  private static void awaitReconciled() {
    await("orders recorded for every reservation").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      long reservations = firstAnswer(Service.CATALOG, "/digest").path("reservationCount").asLong();
      long reconciled = firstAnswer(Service.ORDER, "/orders/summary").path("reconciledThroughSeq").asLong();
      return reservations > 0 && reconciled == reservations;
    });
  }

  /** The answer of the first replica of {@code service} that serves {@code path} (one may be down). */
  private static com.fasterxml.jackson.databind.JsonNode firstAnswer(Service service, String path) {
    for (NodeAddress replica : c.replicas(service)) {
      try {
        TestCluster.Reply r = c.get(replica.httpUrl() + path);
        if (r.status() == 200) {
          return r.json();
        }
      } catch (RuntimeException e) {
        // down: try the next one
      }
    }
    throw new IllegalStateException("no " + service.id() + " replica serves " + path);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.delete(p);
      }
    }
  }
}
