package io.pygmy.client;

import static io.pygmy.testing.Ports.closedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a stub frontend that answers what each test says: mapping, headers, failures. */
class StoreClientTest {
  record Seen(String method, String uri, String body, String idempotencyKey, String authorization) {}

  private HttpServer server;
  private StoreClient client;
  private volatile Seen seen;
  private volatile int status = 200;
  private volatile String answer = "{}";
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    client = new StoreClient("http://127.0.0.1:" + server.getAddress().getPort() + "/", Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    release.countDown();
    client.close();
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    seen = new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
        new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
        ex.getRequestHeaders().getFirst("Idempotency-Key"), ex.getRequestHeaders().getFirst("Authorization"));
    if (hang) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("X-Request-Id", "from-header");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private void answer(int newStatus, String json) {
    status = newStatus;
    answer = json;
  }

  @Test
  void searchReadsBooksAndToleratesFieldsItDoesNotKnow() {
    answer(200, "{\"books\":[{\"id\":1,\"title\":\"A b\",\"topic\":\"ds\",\"cost\":100,\"stock\":5,\"shelf\":\"x\"}]}");
    StoreClient.Reply<java.util.List<StoreClient.Book>> r = client.search("distributed systems");
    assertThat(r.value()).containsExactly(new StoreClient.Book(1, "A b", "ds", 100, 5));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.requestId()).isEqualTo("from-header");
    assertThat(r.latencyNanos()).isPositive();
    assertThat(seen.uri()).isEqualTo("/search?topic=distributed+systems");
  }

  @Test
  void anErrorAnswerBecomesAStoreExceptionWithItsCode() {
    answer(404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no book with id 9\",\"requestId\":\"r-9\"}}");
    assertThatThrownBy(() -> client.lookup(9))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("not_found");
          assertThat(e.getMessage()).isEqualTo("no book with id 9");
          assertThat(e.requestId()).isEqualTo("r-9");
          assertThat(e.retryable()).isFalse();
        });
  }

  @Test
  void anAnswerThatIsNotTheStoresJsonIsStillAnError() {
    answer(502, "<html>bad gateway</html>");
    assertThatThrownBy(() -> client.search("ds"))
        .isInstanceOfSatisfying(StoreException.class, e -> {
          assertThat(e.code()).isEqualTo(StoreException.UNKNOWN_CODE);
          assertThat(e.status()).isEqualTo(502);
          assertThat(e.requestId()).isEqualTo("from-header");
        });
    answer(200, "{\"books\":{}}");
    assertThatThrownBy(() -> client.search("ds")).isInstanceOf(StoreException.class).hasMessageContaining("unexpected");
  }

  @Test
  void aBuySendsItemQuantityAndKey() {
    answer(201, "{\"id\":7,\"key\":\"k-1\",\"item\":3,\"quantity\":2,\"status\":\"CONFIRMED\",\"unitCost\":300,"
        + "\"totalCost\":600,\"catalogSeq\":4,\"placedAtMillis\":1}");
    StoreClient.Purchase p = client.buy(3, 2, "k-1").value();
    assertThat(p.bought()).isTrue();
    assertThat(p.order().id()).isEqualTo(7);
    assertThat(p.order().confirmed()).isTrue();
    assertThat(p.idempotencyKey()).isEqualTo("k-1");
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.uri()).isEqualTo("/api/orders");
    assertThat(json(seen.body())).isEqualTo(json("{\"item\":3,\"quantity\":2}"));
    assertThat(seen.idempotencyKey()).isEqualTo("k-1");
  }

  @Test
  void outOfStockIsAnOutcomeNotAnException() {
    answer(409, "{\"error\":{\"code\":\"out_of_stock\",\"message\":\"none left\"},\"order\":{\"id\":8,\"key\":\"k-2\","
        + "\"item\":3,\"quantity\":1,\"status\":\"REJECTED\",\"unitCost\":300,\"totalCost\":300,\"placedAtMillis\":1}}");
    StoreClient.Reply<StoreClient.Purchase> r = client.buy(3, 1, null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.value().bought()).isFalse();
    assertThat(r.value().order().id()).isEqualTo(8);
    assertThat(r.value().idempotencyKey()).as("the key the store chose").isEqualTo("k-2");
    assertThat(seen.idempotencyKey()).isNull();
  }

  @Test
  void otherConflictsOfABuyAreErrors() {
    answer(422, "{\"error\":{\"code\":\"idempotency_key_reused\",\"message\":\"key k-1 was used for 2 of item 3\"}}");
    assertThatThrownBy(() -> client.buy(3, 1, "k-1"))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo("idempotency_key_reused"));
  }

  @Test
  void adminWritesCarryTheBearerToken() {
    answer(200, "{\"book\":{\"id\":3,\"title\":\"Xen\",\"topic\":\"gs\",\"cost\":300,\"stock\":12},\"replayed\":false}");
    StoreClient.BookUpdate u = client.restock(3, 10, "r-1", "secret").value();
    assertThat(u.book().stock()).isEqualTo(12);
    assertThat(seen).isEqualTo(new Seen("POST", "/api/books/3/restock", "{\"quantity\":10}", "r-1", "Bearer secret"));

    client.setCost(3, 250, "secret");
    assertThat(seen).isEqualTo(new Seen("PATCH", "/api/books/3", "{\"cost\":250}", null, "Bearer secret"));
  }

  @Test
  void readsOrders() {
    String order = "{\"id\":1,\"key\":\"a b\",\"item\":2,\"quantity\":1,\"status\":\"CONFIRMED\",\"unitCost\":200,"
        + "\"totalCost\":200,\"placedAtMillis\":5}";
    answer(200, "{\"orders\":[" + order + "]}");
    assertThat(client.recentOrders(5).value()).extracting(StoreClient.Order::key).containsExactly("a b");
    assertThat(seen.uri()).isEqualTo("/api/orders?recent=5");
    answer(200, order);
    assertThat(client.orderByKey("a b").value().id()).isEqualTo(1);
    assertThat(seen.uri()).isEqualTo("/api/orders?key=a+b");
    assertThat(client.order(1).value().item()).isEqualTo(2);
    assertThat(seen.uri()).isEqualTo("/api/orders/1");
  }

  @Test
  void noAnswerWithinTheTimeoutIsUnreachableAndMayHaveHappened() {
    hang = true;
    try (StoreClient impatient = new StoreClient("http://127.0.0.1:" + server.getAddress().getPort(),
        Duration.ofMillis(200))) {
      assertThatThrownBy(() -> impatient.buy(1, 1, "k"))
          .isInstanceOfSatisfying(StoreUnreachableException.class, e -> assertThat(e.timedOut()).isTrue());
    }
  }

  @Test
  void aRefusedConnectionIsUnreachableAndDidNotHappen() throws IOException {
    int port = closedPort();
    try (StoreClient nobody = new StoreClient("http://127.0.0.1:" + port, Duration.ofSeconds(2))) {
      assertThatThrownBy(nobody::cluster)
          .isInstanceOfSatisfying(StoreUnreachableException.class, e -> {
            assertThat(e.timedOut()).isFalse();
            assertThat(e.getMessage()).contains("connection refused");
          });
    }
  }

  @Test
  void refusesAMeaninglessUrlOrTimeout() {
    assertThatThrownBy(() -> new StoreClient("localhost:8080", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StoreClient("http://127.0.0.1:8080", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
