package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store keeps selling past the limit the heap used to set: the release before state moved to disk
 * refused every buy from the 250,000th order on, and held every order in a 256 MB heap. Here every node
 * has a third of that heap, and more orders than the old limit are placed through the public API with
 * none refused; the replicas agree on the result.
 */
class StateOnDiskIT {
  /** Where the old release stopped selling. */
  static final long OLD_LIMIT = 250_000;

  @Test
  void aClusterTakesMoreOrdersThanTheOldLimitWithNoneRefused() throws Exception {
    int items = 7;
    int[] stocks = new int[items];
    java.util.Arrays.fill(stocks, 100_000);
    Path dir = Files.createTempDirectory("pygmy-it-ondisk-");
    try (TestCluster c = TestCluster.start("ondisk", 1, TestCluster.books(dir, stocks), TestCluster.settings(),
        List.of("-Xmx96m"))) {
      long orders = OLD_LIMIT + 1;
      long started = System.nanoTime();
      Buyers buyers = new Buyers().run(c.frontend(), 64, orders, items);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("StateOnDiskIT: %d orders in %.0f s (%.0f/s)%n", orders, seconds, orders / seconds);

      assertThat(buyers.refusedCount()).as("%s", buyers).isZero();
      assertThat(buyers.confirmed.sum()).isEqualTo(orders);
      c.awaitConverged(Service.CATALOG, Duration.ofSeconds(60));
      c.awaitConverged(Service.ORDER, Duration.ofSeconds(60));
      for (NodeAddress n : c.replicas(Service.ORDER)) {
        TestCluster.Reply summary = c.get(n.httpUrl() + "/digest");
        assertThat(summary.json().path("count").asLong()).as(n.name()).isEqualTo(orders);
      }
      long stockLeft = 0;
      for (int item = 1; item <= items; item++) {
        stockLeft += c.stockOn(c.replicas(Service.CATALOG).get(0), item);
      }
      assertThat(stockLeft).isEqualTo(items * 100_000L - orders);
    }
  }
}
