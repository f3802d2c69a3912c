package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.ServerTiming;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seed's flows, end to end through the frontend of a real cluster. Uses items 1..5. */
@ExtendWith(SharedCluster.class)
class StoreFlowsIT {
  private static TestCluster c;

  @BeforeAll
  static void cluster() {
    c = SharedCluster.get();
  }

  @Test
  void searchReturnsTheBooksOfATopicAndNothingForAnUnknownTopic() {
    TestCluster.Reply ds = c.get(c.frontend() + "/search?topic=ds");
    assertThat(ds.status()).isEqualTo(200);
    List<Integer> ids = new ArrayList<>();
    for (JsonNode b : ds.json().path("books")) {
      assertThat(b.path("topic").asText()).isEqualTo("ds");
      assertThat(b.fieldNames()).toIterable().contains("id", "title", "topic", "cost", "stock");
      ids.add(b.path("id").asInt());
    }
    assertThat(ids).contains(1, 3, 5).doesNotContain(2, 4);

    TestCluster.Reply unknown = c.get(c.frontend() + "/search?topic=cooking");
    assertThat(unknown.status()).isEqualTo(200);
    assertThat(unknown.json().path("books")).isEmpty();
  }

  @Test
  void lookupAnswersOneBookInBothApis() {
    TestCluster.Reply seed = c.get(c.frontend() + "/lookup?item=1");
    assertThat(seed.status()).isEqualTo(200);
    assertThat(seed.json().path("books")).hasSize(1);
    assertThat(seed.json().path("books").get(0).path("title").asText()).isEqualTo("Test book 1");

    TestCluster.Reply api = c.get(c.frontend() + "/api/books/1");
    assertThat(api.status()).isEqualTo(200);
    assertThat(api.json().path("id").asInt()).isEqualTo(1);
    assertThat(api.json().path("cost").asLong()).isEqualTo(100);
  }

  @Test
  void seedBuyDecrementsStockAndSaysBought() {
    long before = c.stockViaFrontend(0, 2);
    TestCluster.Reply buy = c.get(c.frontend() + "/buy?item=2");
    assertThat(buy.status()).isEqualTo(200);
    assertThat(buy.json().path("status").asText()).isEqualTo("bought");
    assertThat(buy.json().path("order").path("status").asText()).isEqualTo("CONFIRMED");
    assertThat(c.stockViaFrontend(0, 2)).isEqualTo(before - 1);
  }

  @Test
  void buyingPastTheStockIsRefusedUntilARestock() {
    TestCluster.Reply all = c.post(c.frontend() + "/api/orders", "{\"item\":3,\"quantity\":10}");
    assertThat(all.status()).isEqualTo(201);
    assertThat(all.json().path("totalCost").asLong()).isEqualTo(3000);

    TestCluster.Reply seed = c.get(c.frontend() + "/buy?item=3");
    assertThat(seed.status()).isEqualTo(200);
    assertThat(seed.json().path("status").asText()).isEqualTo("out_of_stock");

    TestCluster.Reply api = c.post(c.frontend() + "/api/orders", "{\"item\":3}");
    assertThat(api.status()).isEqualTo(409);
    assertThat(api.json().path("error").path("code").asText()).isEqualTo("out_of_stock");
    assertThat(api.json().path("order").path("status").asText()).isEqualTo("REJECTED");
    assertThat(c.stockViaFrontend(0, 3)).isZero();

    TestCluster.Reply restock = c.admin("POST", "/api/books/3/restock", "{\"quantity\":5}");
    assertThat(restock.status()).isEqualTo(200);
    assertThat(restock.json().path("book").path("stock").asLong()).isEqualTo(5);
    assertThat(c.stockViaFrontend(0, 3)).isEqualTo(5);
    assertThat(c.post(c.frontend() + "/api/orders", "{\"item\":3}").status()).isEqualTo(201);
    assertThat(c.stockViaFrontend(0, 3)).isEqualTo(4);
  }

  @Test
  void aCostChangeIsVisibleAndPricesLaterOrders() {
    TestCluster.Reply patch = c.admin("PATCH", "/api/books/4", "{\"cost\":250}");
    assertThat(patch.status()).isEqualTo(200);
    assertThat(c.get(c.frontend() + "/api/books/4").json().path("cost").asLong()).isEqualTo(250);
    TestCluster.Reply order = c.post(c.frontend() + "/api/orders", "{\"item\":4,\"quantity\":2}");
    assertThat(order.json().path("unitCost").asLong()).isEqualTo(250);
    assertThat(order.json().path("totalCost").asLong()).isEqualTo(500);
  }

  @Test
  void aRetriedBuyWithTheSameKeyIsOneOrder() {
    String key = "it-" + UUID.randomUUID();
    long before = c.stockViaFrontend(0, 5);
    TestCluster.Reply first = c.post(c.frontend() + "/api/orders", "{\"item\":5,\"quantity\":2}", "Idempotency-Key", key);
    TestCluster.Reply again = c.post(c.frontend(1) + "/api/orders", "{\"item\":5,\"quantity\":2}", "Idempotency-Key", key);
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().path("id").asLong()).isEqualTo(first.json().path("id").asLong());
    assertThat(c.stockViaFrontend(0, 5)).isEqualTo(before - 2);

    TestCluster.Reply reused = c.post(c.frontend() + "/api/orders", "{\"item\":5,\"quantity\":1}", "Idempotency-Key", key);
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.json().path("error").path("code").asText()).isEqualTo("idempotency_key_reused");
  }

  @Test
  void ordersAreReadableByIdByKeyAndAsRecent() {
    String key = "it-" + UUID.randomUUID();
    TestCluster.Reply order = c.post(c.frontend() + "/api/orders", "{\"item\":1}", "Idempotency-Key", key);
    long id = order.json().path("id").asLong();
    assertThat(order.header("Location")).isEqualTo("/api/orders/" + id);

    TestCluster.Reply byId = c.get(c.frontend() + "/api/orders/" + id);
    assertThat(byId.status()).isEqualTo(200);
    assertThat(byId.json().path("key").asText()).isEqualTo(key);
    assertThat(c.get(c.frontend() + "/api/orders?key=" + key).json().path("id").asLong()).isEqualTo(id);
    List<Long> recent = new ArrayList<>();
    c.get(c.frontend() + "/api/orders?recent=50").json().path("orders").forEach(o -> recent.add(o.path("id").asLong()));
    assertThat(recent).contains(id);
  }

  @Test
  void everyResponseReportsTheTimeSpentInEachTier() {
    TestCluster.Reply buy = c.post(c.frontend() + "/api/orders", "{\"item\":1}");
    assertThat(ServerTiming.parse(buy.header("Server-Timing"))).containsKeys("frontend", "order", "catalog");
    var t = ServerTiming.parse(buy.header("Server-Timing"));
    assertThat(t.get("frontend")).isGreaterThanOrEqualTo(t.get("order"));
    assertThat(t.get("order")).isGreaterThanOrEqualTo(t.get("catalog"));

    c.get(c.frontend() + "/lookup?item=1");
    TestCluster.Reply hit = c.get(c.frontend() + "/lookup?item=1");
    assertThat(hit.header("Server-Timing")).contains("frontend;dur=");
  }

  @Test
  void theClusterViewShowsOneLeaderPerGroupAndEveryNode() {
    TestCluster.Reply r = c.get(c.frontend() + "/api/cluster");
    assertThat(r.status()).isEqualTo(200);
    int catalogLeaders = 0;
    int orderLeaders = 0;
    List<String> names = new ArrayList<>();
    for (JsonNode n : r.json().path("nodes")) {
      names.add(n.path("name").asText());
      assertThat(n.path("healthy").asBoolean()).as(n.toString()).isTrue();
      assertThat(n.path("pid").asLong()).isPositive();
      if (n.path("role").asText().equals("LEADER")) {
        if (n.path("service").asText().equals("catalog")) {
          catalogLeaders++;
        } else {
          orderLeaders++;
        }
      }
    }
    assertThat(names).contains("catalog-1", "catalog-2", "catalog-3", "order-1", "order-2", "order-3", "frontend-1");
    assertThat(catalogLeaders).isEqualTo(1);
    assertThat(orderLeaders).isEqualTo(1);
  }
}
