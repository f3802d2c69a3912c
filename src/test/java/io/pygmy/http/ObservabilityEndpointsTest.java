package io.pygmy.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.pygmy.config.Settings;
import io.pygmy.metrics.NodeMetrics;
import io.pygmy.raft.ReplicaStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} and {@code /health/*} on a real server built by {@link HttpServers}, as every node builds it. */
class ObservabilityEndpointsTest {
  private final AtomicReference<ReplicaStatus> raft = new AtomicReference<>(
      new ReplicaStatus("FOLLOWER", 2, "order-1", 40, 40, false));
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private NodeMetrics metrics;
  private Javalin app;
  private String base;

  @BeforeEach
  void start() {
    metrics = NodeMetrics.forNode("order", "order-3");
    metrics.bindRaft(raft::get);
    app = HttpServers.create(metrics, Settings.defaults(), c -> { });
    app.get("/orders/{id}", ctx -> {
      if (ctx.pathParam("id").equals("404")) {
        throw ApiException.notFound("no order with id 404");
      }
      ctx.json(Map.of("id", ctx.pathParam("id")));
    });
    Health.routes(app, () -> Health.replica(raft.get()));
    app.start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + app.port();
  }

  @AfterEach
  void stop() {
    app.stop();
    metrics.close();
  }

  private HttpResponse<String> get(String path, String requestId) throws IOException, InterruptedException {
    // A bound, not a wait: generous because a starved two-core box has taken more than 5 s to answer.
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (requestId != null) {
      b.header(HttpServers.REQUEST_ID, requestId);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsCountRequestsByRouteTemplateNotByPath() throws Exception {
    get("/orders/1", null);
    get("/orders/2", null);
    get("/orders/404", null);
    get("/no/such/path", null);
    HttpResponse<String> r = get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    String text = r.body();
    assertThat(text).contains("pygmy_http_requests_seconds_count{method=\"GET\",node=\"order-3\","
        + "route=\"/orders/{id}\",status=\"200\",tier=\"order\"} 2");
    assertThat(text).contains("route=\"/orders/{id}\",status=\"404\",tier=\"order\"} 1");
    assertThat(text).contains("route=\"unmatched\",status=\"404\",tier=\"order\"} 1");
    assertThat(text).doesNotContain("/orders/1\"").doesNotContain("/no/such/path");
    assertThat(text).contains("status=\"200\",tier=\"order\",le=\"0.001\"}");
    assertThat(text).contains("pygmy_raft_term{node=\"order-3\",tier=\"order\"} 2.0");
    assertThat(text).contains("jvm_memory_used_bytes");
  }

  @Test
  void liveIsAlwaysOkAndReadyFollowsTheReplica() throws Exception {
    assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(ready.body()).path("status").asText()).isEqualTo("ready");

    raft.set(new ReplicaStatus("CANDIDATE", 3, null, 40, 40, false));
    HttpResponse<String> notReady = get("/health/ready", null);
    assertThat(notReady.statusCode()).isEqualTo(503);
    JsonNode body = Json.MAPPER.readTree(notReady.body());
    assertThat(body.path("status").asText()).isEqualTo("not ready");
    assertThat(body.path("reason").asText()).isEqualTo("no known leader");
    assertThat(notReady.headers().firstValue("Retry-After")).contains("1");
    assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  void theRequestIdTravelsIntoTheAnswerAndTheErrorBody() throws Exception {
    HttpResponse<String> r = get("/orders/404", "buy-42.abc");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue(HttpServers.REQUEST_ID)).contains("buy-42.abc");
    assertThat(Json.MAPPER.readTree(r.body()).path("error").path("requestId").asText()).isEqualTo("buy-42.abc");

    HttpResponse<String> unsafe = get("/orders/1", "bad id with spaces");
    assertThat(unsafe.headers().firstValue(HttpServers.REQUEST_ID).orElseThrow()).matches("[0-9a-f-]{36}");
  }
}
