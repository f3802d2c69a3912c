package io.pygmy.http;

import static io.pygmy.testing.Ports.closedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpConnectionTest {
  private HttpServer server;
  private final AtomicInteger connections = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/fixed", ex -> {
      byte[] body = "{\"books\":[]}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Server-Timing", "frontend;dur=0.123, catalog;dur=0.045");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.createContext("/chunked", ex -> {
      ex.sendResponseHeaders(201, 0); // 0: chunked
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 3; i++) {
          out.write(("part" + i + ";").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    });
    server.createContext("/echo", ex -> {
      byte[] in = ex.getRequestBody().readAllBytes();
      String answer = ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Idempotency-Key") + " "
          + new String(in, StandardCharsets.UTF_8);
      byte[] body = answer.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(409, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void readsAContentLengthBodyAndTheServerTimingHeader() throws IOException {
    try (HttpConnection c = new HttpConnection(base(), 5000)) {
      HttpConnection.Response r = c.get("/fixed");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("{\"books\":[]}");
      assertThat(r.serverTiming()).isEqualTo("frontend;dur=0.123, catalog;dur=0.045");
    }
  }

  @Test
  void readsAChunkedBodyAndKeepsTheConnectionForTheNextRequest() throws IOException {
    try (HttpConnection c = new HttpConnection(base(), 5000)) {
      for (int i = 0; i < 5; i++) {
        HttpConnection.Response r = c.get("/chunked");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.text()).isEqualTo("part0;part1;part2;");
        assertThat(r.serverTiming()).isNull();
      }
      assertThat(c.get("/fixed").status()).isEqualTo(200);
    }
  }

  @Test
  void postsABodyWithHeaders() throws IOException {
    try (HttpConnection c = new HttpConnection(base(), 5000)) {
      HttpConnection.Response r =
          c.post("/echo", "{\"item\":1}".getBytes(StandardCharsets.UTF_8), "Idempotency-Key", "k1");
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.text()).isEqualTo("POST k1 {\"item\":1}");
    }
  }

  @Test
  void aKeptConnectionTheServerClosedIsRetriedOnceOnAFreshOne() throws Exception {
    // A server that answers one request per connection, then closes it without saying so.
    try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread t = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 2; i++) {
          try (Socket s = ss.accept()) {
            connections.incrementAndGet();
            readRequestHead(s.getInputStream());
            s.getOutputStream()
                .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
          } catch (IOException e) {
            return;
          }
        }
      });
      try (HttpConnection c = new HttpConnection(URI.create("http://127.0.0.1:" + ss.getLocalPort()), 5000)) {
        assertThat(c.get("/a").text()).isEqualTo("ok");
        assertThat(c.get("/b").text()).as("second request on a fresh connection").isEqualTo("ok");
      }
      t.join();
      assertThat(connections.get()).isEqualTo(2);
    }
  }

  @Test
  void nothingListeningIsAnIOException() throws IOException {
    int port = closedPort();
    try (HttpConnection c = new HttpConnection(URI.create("http://127.0.0.1:" + port), 1000)) {
      assertThatThrownBy(() -> c.get("/")).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> new HttpConnection(URI.create("https://example.org"), 1000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("eof");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }
}
