package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.config.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Once a write is acknowledged, no frontend serves the old value, through the cache or not — even
 * while other readers keep refilling both caches. Uses items 8..12; two frontends.
 */
@ExtendWith(SharedCluster.class)
class CacheConsistencyIT {
  private static TestCluster c;

  @BeforeAll
  static void cluster() {
    c = SharedCluster.get();
  }

  @Test
  void lookupsAreServedFromTheCacheWhenNothingChanged() {
    c.get(c.frontend() + "/lookup?item=8");
    TestCluster.Reply second = c.get(c.frontend() + "/lookup?item=8");
    assertThat(second.header("Server-Timing")).contains("cache;desc=hit");
  }

  @Test
  void aBuyIsVisibleToTheVeryNextLookupOnEveryFrontend() {
    long expected = c.stockViaFrontend(0, 9);
    c.stockViaFrontend(1, 9); // warm both caches
    for (int i = 0; i < 5; i++) {
      assertThat(c.post(c.frontend(i % 2) + "/api/orders", "{\"item\":9}").status()).isEqualTo(201);
      expected--;
      assertThat(c.stockViaFrontend(0, 9)).isEqualTo(expected);
      assertThat(c.stockViaFrontend(1, 9)).isEqualTo(expected);
    }
  }

  @Test
  void restocksAndCostChangesAreVisibleToTheNextReadOnAnotherFrontend() {
    c.stockViaFrontend(1, 10);
    c.get(c.frontend(1) + "/search?topic=gs");
    assertThat(c.admin("POST", "/api/books/10/restock", "{\"quantity\":7}").status()).isEqualTo(200);
    assertThat(c.stockViaFrontend(1, 10)).isEqualTo(17);
    assertThat(c.admin("PATCH", "/api/books/10", "{\"cost\":4242}").status()).isEqualTo(200);
    var books = c.get(c.frontend(1) + "/search?topic=gs").json().path("books");
    boolean found = false;
    for (var b : books) {
      if (b.path("id").asInt() == 10) {
        assertThat(b.path("cost").asLong()).isEqualTo(4242);
        found = true;
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void noStaleReadAfterAnAcknowledgedBuyWhileReadersRefillTheCaches() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> readers = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int r = 0; r < 4; r++) {
        int frontend = r % 2;
        readers.add(pool.submit(() -> {
          while (!stop.get()) {
            c.get(c.frontend(frontend) + "/lookup?item=11");
            c.get(c.frontend(frontend) + "/search?topic=ds");
          }
          return null;
        }));
      }
      long expected = c.stockViaFrontend(0, 11);
      for (int i = 0; i < 10; i++) {
        assertThat(c.post(c.frontend(i % 2) + "/api/orders", "{\"item\":11}").status()).isEqualTo(201);
        expected--;
        assertThat(c.stockViaFrontend(0, 11)).as("frontend-1 after buy %d", i).isEqualTo(expected);
        assertThat(c.stockViaFrontend(1, 11)).as("frontend-2 after buy %d", i).isEqualTo(expected);
        for (var b : c.get(c.frontend((i + 1) % 2) + "/search?topic=ds").json().path("books")) {
          if (b.path("id").asInt() == 11) {
            assertThat(b.path("stock").asLong()).as("search after buy %d", i).isEqualTo(expected);
          }
        }
      }
      stop.set(true);
      for (Future<?> f : readers) {
        f.get();
      }
    }
  }

  /** The catalog leader sends a buy's invalidation when it appends the reservation, not after it commits. */
  @Test
  void theCatalogLeaderInvalidatesABuyWhenItAppendsIt() {
    long before = invalidatedAtAppend();
    c.stockViaFrontend(0, 12);
    c.stockViaFrontend(1, 12);
    for (int i = 0; i < 3; i++) {
      assertThat(c.post(c.frontend(i % 2) + "/api/orders", "{\"item\":12}").status()).isEqualTo(201);
    }
    assertThat(invalidatedAtAppend()).as("writes applied with their invalidation sent at append")
        .isGreaterThanOrEqualTo(before + 3);
  }

  private static long invalidatedAtAppend() {
    long sum = 0;
    for (var n : c.replicas(Service.CATALOG)) {
      sum += c.get(n.httpUrl() + "/status").json().path("details").path("invalidatedAtAppend").asLong();
    }
    return sum;
  }
}
