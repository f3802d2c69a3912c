package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pygmy.http.HttpConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The buyers against a fake store on loopback: item 1 sells, item 2 is sold out, item 3 is refused. */
class SoakLoadTest {
  private HttpServer server;
  private final Set<String> keys = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void fakeStore() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/api/orders", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    requests.incrementAndGet();
    keys.add(x.getRequestHeaders().getFirst("Idempotency-Key"));
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    int status;
    String answer;
    if (body.contains("\"item\":1")) {
      status = 201;
      answer = "{\"order\":{\"number\":1}}";
    } else if (body.contains("\"item\":2")) {
      status = 409;
      answer = "{\"error\":{\"code\":\"out_of_stock\",\"message\":\"none left\"}}";
    } else {
      status = 503;
      answer = "{\"error\":{\"code\":\"capacity_exhausted\",\"message\":\"the store is full\"}}";
    }
    byte[] b = answer.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  private HttpConnection.Factory store() {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    return () -> new HttpConnection(base, 5000);
  }

  @Test
  void buysUntilTheOrdersAreConfirmedCountingRefusalsAndFailuresApart() {
    SoakLoad load = new SoakLoad(store(), List.of(1, 2, 3), 300, System.nanoTime());
    load.start(4);
    load.awaitStopped();

    assertThat(load.finished()).isTrue();
    SoakLoad.Counts c = load.counts();
    // Each client checks the count before its next buy: at most one confirmed buy per client past the goal.
    assertThat(c.confirmed()).isBetween(300L, 303L);
    assertThat(c.outOfStock()).isBetween(290L, 310L);
    assertThat(c.failed()).isBetween(290L, 310L);
    assertThat(c.failuresByCause()).containsOnlyKeys("503 capacity_exhausted");
    assertThat(c.confirmed() + c.outOfStock() + c.failed()).isEqualTo(requests.get());
    assertThat(keys).as("every buy has its own idempotency key").hasSize(requests.get());
    assertThat(load.firstFailures()).hasSize(SoakLoad.FIRST_FAILURES_KEPT)
        .allSatisfy(f -> assertThat(f).contains("503 capacity_exhausted", "the store is full"));
    assertThat(load.intervalLatency().getTotalCount()).isEqualTo(c.confirmed() + c.outOfStock());
    assertThat(load.intervalLatency().getTotalCount()).as("the recorder starts afresh").isZero();
  }

  @Test
  void aStoreThatDoesNotAnswerIsAFailureWithoutAStatus() throws IOException {
    int closed = io.pygmy.testing.Ports.closedPort();
    URI base = URI.create("http://127.0.0.1:" + closed);
    SoakLoad load = new SoakLoad(() -> new HttpConnection(base, 1000), List.of(1), 10, System.nanoTime());
    load.start(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> load.counts().failed() > 0);
    assertThat(load.finished()).as("without confirmed buys it goes on until stopped").isFalse();
    load.stop();
    load.awaitStopped();
    assertThat(load.counts().failed()).isPositive();
    assertThat(load.counts().failuresByCause()).containsOnlyKeys("no answer");
    assertThat(load.counts().confirmed()).isZero();
  }
}
