package io.pygmy.bench;

import static io.pygmy.testing.Ports.closedPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.http.HttpConnection;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the bench sends one request and classifies its answer. */
class RequestTest {
  @Test
  void aRequestThatGotNoAnswerIsAnErrorOutcome() throws IOException {
    int port = closedPort();
    try (HttpConnection c = new HttpConnection(URI.create("http://127.0.0.1:" + port), 1000)) {
      Request.Outcome o = Request.lookup(1).send(c);
      assertThat(o.result()).isEqualTo(Request.Result.ERROR);
      assertThat(o.status()).isEqualTo(-1);
      assertThat(o.endNanos()).isGreaterThanOrEqualTo(o.startNanos());
    }
  }

  @Test
  void classifiesBuysAndReads() {
    assertThat(Request.classify(Request.Kind.BUY, new HttpConnection.Response(201, new byte[0], null, null)))
        .isEqualTo(Request.Result.OK);
    assertThat(Request.classify(Request.Kind.BUY, new HttpConnection.Response(409,
        "{\"error\":{\"code\":\"out_of_stock\"}}".getBytes(StandardCharsets.UTF_8), null, null)))
        .isEqualTo(Request.Result.OUT_OF_STOCK);
    assertThat(Request.classify(Request.Kind.BUY, new HttpConnection.Response(503, new byte[0], null, null)))
        .isEqualTo(Request.Result.ERROR);
    assertThat(Request.classify(Request.Kind.LOOKUP, new HttpConnection.Response(404, new byte[0], null, null)))
        .isEqualTo(Request.Result.ERROR);
  }
}
