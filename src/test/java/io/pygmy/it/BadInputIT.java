package io.pygmy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed request gets its JSON error and status; nothing changes and the node keeps serving. Uses item 6. */
@ExtendWith(SharedCluster.class)
class BadInputIT {
  private static TestCluster c;
  private static long stockBefore;

  @BeforeAll
  static void cluster() {
    c = SharedCluster.get();
    stockBefore = c.stockViaFrontend(0, 6);
  }

  static Stream<Arguments> badRequests() {
    String big = "{\"item\":6,\"pad\":\"" + "x".repeat(20_000) + "\"}";
    return Stream.of(
        Arguments.of("GET", "/lookup?item=abc", null, 400, "bad_request"),
        Arguments.of("GET", "/lookup", null, 400, "bad_request"),
        Arguments.of("GET", "/lookup?item=-1", null, 400, "bad_request"),
        Arguments.of("GET", "/lookup?item=99999999999", null, 400, "bad_request"),
        Arguments.of("GET", "/search", null, 400, "bad_request"),
        Arguments.of("GET", "/search?topic=", null, 400, "bad_request"),
        Arguments.of("GET", "/buy?item=x", null, 400, "bad_request"),
        Arguments.of("GET", "/buy", null, 400, "bad_request"),
        Arguments.of("GET", "/api/books/abc", null, 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "{", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "[]", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "{\"item\":\"x\"}", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "{\"quantity\":1}", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "{\"item\":6,\"quantity\":0}", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "{\"item\":6,\"quantity\":101}", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "{\"item\":6,\"quantity\":-3}", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", "{\"item\":6,\"colour\":\"red\"}", 400, "bad_request"),
        Arguments.of("POST", "/api/orders", big, 413, "payload_too_large"),
        Arguments.of("POST", "/api/orders", "{\"item\":987654}", 404, "not_found"),
        Arguments.of("GET", "/lookup?item=987654", null, 404, "not_found"),
        Arguments.of("GET", "/api/books/987654", null, 404, "not_found"),
        Arguments.of("GET", "/buy?item=987654", null, 404, "not_found"),
        Arguments.of("GET", "/api/orders/987654321", null, 404, "not_found"),
        Arguments.of("GET", "/api/orders?key=no-such-key", null, 404, "not_found"),
        Arguments.of("GET", "/no/such/route", null, 404, "not_found"),
        Arguments.of("POST", "/api/books/6/restock", "{\"quantity\":5}", 401, "unauthorized"),
        Arguments.of("PATCH", "/api/books/6", "{\"cost\":1}", 401, "unauthorized"));
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("badRequests")
  void answersWithANamedJsonError(String method, String path, String body, int status, String code) {
    String url = c.frontend() + path;
    TestCluster.Reply r = switch (method) {
      case "GET" -> c.get(url);
      case "PATCH" -> c.patch(url, body);
      default -> c.post(url, body);
    };
    assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
    assertThat(r.json()).as("JSON body of " + r.raw().body()).isNotNull();
    assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
    assertThat(r.json().path("error").path("message").asText()).isNotBlank();
    assertThat(r.json().path("error").path("requestId").asText()).isNotBlank();
  }

  @Test
  void adminRoutesRefuseAWrongTokenAndBadValues() {
    assertThat(c.post(c.frontend() + "/api/books/6/restock", "{\"quantity\":5}", "Authorization", "Bearer nope").status())
        .isEqualTo(401);
    assertThat(c.admin("POST", "/api/books/6/restock", "{\"quantity\":0}").status()).isEqualTo(400);
    assertThat(c.admin("POST", "/api/books/6/restock", "{}").status()).isEqualTo(400);
    assertThat(c.admin("PATCH", "/api/books/6", "{\"cost\":-5}").status()).isEqualTo(400);
    assertThat(c.admin("POST", "/api/books/987654/restock", "{\"quantity\":5}").status()).isEqualTo(404);
  }

  @Test
  void anOverlongIdempotencyKeyIsRefused() {
    TestCluster.Reply r = c.post(c.frontend() + "/api/orders", "{\"item\":6}", "Idempotency-Key", "k".repeat(500));
    assertThat(r.status()).isEqualTo(400);
  }

  @Test
  void backendsAnswerMalformedInternalCallsWithErrorsToo() {
    var catalog = c.replicas(io.pygmy.config.Service.CATALOG).get(0).httpUrl();
    var order = c.replicas(io.pygmy.config.Service.ORDER).get(0).httpUrl();
    assertThat(c.post(catalog + "/books/6/update", "{\"stockDelta\":\"many\"}").status()).isEqualTo(400);
    assertThat(c.post(catalog + "/books/6/update", "{}").status()).isEqualTo(400);
    assertThat(c.post(order + "/orders", "{\"item\":6}").status()).isEqualTo(400);
    assertThat(c.post(order + "/orders", "{\"key\":\"k\",\"item\":6,\"quantity\":1000}").status()).isEqualTo(400);
  }

  @AfterAll
  static void nothingChangedAndEveryNodeStillServes() {
    assertThat(c.stockViaFrontend(0, 6)).isEqualTo(stockBefore);
    for (var n : c.local.config().nodes()) {
      assertThat(c.get(n.httpUrl() + "/status").status()).as(n.name()).isEqualTo(200);
    }
    assertThat(c.get(c.frontend() + "/lookup?item=6").status()).isEqualTo(200);
  }
}
