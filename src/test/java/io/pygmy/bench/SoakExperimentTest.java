package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The soak against a fake store that confirms {@link #CAPACITY} orders and then refuses every buy with
 * 503 capacity_exhausted, as today's heap-only store does after 250,000: no cluster, so no memory, disk
 * or catch-up figures.
 */
class SoakExperimentTest {
  private static final int CAPACITY = 200;
  private HttpServer server;
  private final AtomicInteger buys = new AtomicInteger();
  private Store store;

  @BeforeEach
  void fakeStore() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/api/books/", x -> answer(x, 200, "{\"id\":1,\"stock\":1000000}"));
    server.createContext("/api/orders", x -> {
      x.getRequestBody().readAllBytes();
      if (buys.incrementAndGet() <= CAPACITY) {
        answer(x, 201, "{\"order\":{}}");
      } else {
        answer(x, 503, "{\"error\":{\"code\":\"capacity_exhausted\",\"message\":\"full\"}}");
      }
    });
    server.start();
    store = new Store(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null, null, false);
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  @AfterEach
  void stop() {
    store.close();
    server.stop(0);
  }

  private SoakExperiment soak(long orders, java.util.function.BooleanSupplier stop) {
    SoakOptions o = new SoakOptions();
    o.orders = orders;
    o.interval = Duration.ofMillis(200);
    o.down = Duration.ofSeconds(1);
    o.settle = "0";
    o.catchUpTimeout = Duration.ofSeconds(5);
    Progress progress = new Progress(new PrintWriter(new StringWriter()), false);
    return new SoakExperiment(store, List.of(new Store.Book(1, "ds", 1_000_000), new Store.Book(2, "gs", 1_000_000)),
        o, 8, progress, stop).stallLimit(Duration.ofSeconds(1));
  }

  @Test
  void aStoreThatStopsConfirmingEndsTheSoakWithItsRefusalsCounted() {
    SoakResult r = soak(100_000, () -> false).run();

    assertThat(r.confirmed()).isEqualTo(CAPACITY);
    assertThat(r.failed()).isEqualTo(buys.get() - CAPACITY);
    assertThat(r.failuresByCause()).containsOnlyKeys("503 capacity_exhausted");
    assertThat(r.firstFailures()).isNotEmpty().allSatisfy(f -> assertThat(f).contains("capacity_exhausted"));
    assertThat(r.interrupted()).isFalse();
    assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("none confirmed for 1s"))
        .anySatisfy(n -> assertThat(n).contains("no memory, disk or catch-up figures"));
    assertThat(r.rows()).isNotEmpty();
    assertThat(r.rows().stream().mapToLong(SoakResult.Row::confirmed).sum()).isEqualTo(CAPACITY);
    assertThat(r.rows().stream().mapToLong(SoakResult.Row::failed).sum()).isEqualTo(r.failed());
    assertThat(r.idle()).isNull();
    assertThat(r.catchUps()).isEmpty();
    assertThat(Targets.soak(r).get(0).met()).as("failed buys").isFalse();
  }

  @Test
  void aStopRequestEndsTheSoakWithAPartialResult() {
    SoakResult r = soak(100_000, () -> buys.get() >= CAPACITY / 2).run();

    assertThat(r.interrupted()).isTrue();
    assertThat(r.confirmed()).isLessThan(100_000);
    assertThat(r.rows()).isNotEmpty();
    assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("interrupted"))
        .noneSatisfy(n -> assertThat(n).contains("none confirmed"));
  }

  @Test
  void aSoakWithinCapacityEndsWhenItsOrdersAreConfirmed() {
    SoakResult r = soak(CAPACITY / 2, () -> false).run();

    assertThat(r.confirmed()).isBetween((long) CAPACITY / 2, (long) CAPACITY / 2 + 8);
    assertThat(r.failed()).isZero();
    assertThat(r.notes()).noneSatisfy(n -> assertThat(n).contains("none confirmed"));
  }
}
