package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** No oversell: many concurrent buys of a scarce item. Uses item 7 (stock 10). */
@ExtendWith(SharedCluster.class)
class ConcurrentBuyIT {
  private static TestCluster c;

  @BeforeAll
  static void cluster() {
    c = SharedCluster.get();
  }

  @Test
  void oneHundredConcurrentBuysOfTenCopiesConfirmExactlyTen() throws Exception {
    assertThat(c.stockViaFrontend(0, 7)).isEqualTo(10);
    double batchedBefore = batchedBuys();
    CountDownLatch go = new CountDownLatch(1);
    Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    List<Future<?>> calls = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 100; i++) {
        int frontend = i % 2;
        calls.add(pool.submit(() -> {
          go.await();
          TestCluster.Reply r = c.post(c.frontend(frontend) + "/api/orders", "{\"item\":7}");
          byStatus.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : calls) {
        f.get();
      }
    }
    assertThat(byStatus).as("answers by status").containsOnlyKeys(201, 409);
    assertThat(byStatus.get(201)).hasValue(10);
    assertThat(byStatus.get(409)).hasValue(90);

    for (NodeAddress replica : c.replicas(Service.CATALOG)) {
      assertThat(c.stockOn(replica, 7)).as("stock on " + replica.name()).isZero();
    }
    assertThat(c.stockViaFrontend(0, 7)).isZero();
    assertThat(c.stockViaFrontend(1, 7)).isZero();

    int confirmed = 0;
    for (JsonNode o : c.get(c.frontend() + "/api/orders?recent=100").json().path("orders")) {
      if (o.path("item").asInt() == 7 && o.path("status").asText().equals("CONFIRMED")) {
        confirmed++;
      }
    }
    assertThat(confirmed).isEqualTo(10);
    // Every buy went through a group commit (an order replica's metric; retries may add a few).
    assertThat(batchedBuys() - batchedBefore).isGreaterThanOrEqualTo(100);
  }

  /** Buys committed in batches so far, summed over the order replicas' {@code /metrics}. */
  private static double batchedBuys() {
    double sum = 0;
    for (NodeAddress replica : c.replicas(Service.ORDER)) {
      for (String line : c.get(replica.httpUrl() + "/metrics").raw().body().split("\n")) {
        if (line.startsWith("pygmy_buy_batch_size_sum")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }
}
