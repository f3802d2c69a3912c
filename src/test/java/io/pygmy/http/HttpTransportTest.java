package io.pygmy.http;

import static io.pygmy.testing.Ports.closedPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pooled transport between tiers, against real sockets on loopback. */
class HttpTransportTest {
  private final HttpTransport transport = new HttpTransport(Duration.ofSeconds(1));
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    transport.close();
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /**
   * A keep-alive HTTP/1.1 server that answers every request on a connection with {@code answer}, and
   * counts connections and requests. {@code hold} (when not null) is awaited before each answer.
   */
  private ServerSocket server(String answer, AtomicInteger connections, AtomicInteger requests, CountDownLatch hold)
      throws IOException {
    ServerSocket ss = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
    toClose.add(ss);
    Thread.ofVirtual().start(() -> {
      while (!ss.isClosed()) {
        Socket s;
        try {
          s = ss.accept();
        } catch (IOException e) {
          return;
        }
        toClose.add(s);
        connections.incrementAndGet();
        Thread.ofVirtual().start(() -> {
          try (s) {
            InputStream in = s.getInputStream();
            while (readRequest(in)) {
              requests.incrementAndGet();
              if (hold != null) {
                hold.await();
              }
              s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
              s.getOutputStream().flush();
            }
          } catch (IOException | InterruptedException e) {
            // the test closed the socket
          }
        });
      }
    });
    return ss;
  }

  /** Reads one request (head, and a Content-Length body); false at end of stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.toString().endsWith("\r\n\r\n")) {
        int at = head.toString().toLowerCase().indexOf("content-length:");
        if (at >= 0) {
          int end = head.indexOf("\r\n", at);
          int length = Integer.parseInt(head.substring(at + "content-length:".length(), end).trim());
          in.readNBytes(length);
        }
        return true;
      }
    }
    return false;
  }

  private static boolean refuses(int port) {
    try (Socket probe = new Socket()) {
      probe.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static String url(ServerSocket ss, String path) {
    return "http://127.0.0.1:" + ss.getLocalPort() + path;
  }

  @Test
  void answersCarryStatusBodyTimingAndVersion() throws Exception {
    String answer = "HTTP/1.1 201 Created\r\nServer-Timing: order;dur=1.5\r\nX-Pygmy-Version: 42\r\n"
        + "Content-Length: 7\r\n\r\n{\"a\":1}";
    ServerSocket ss = server(answer, new AtomicInteger(), new AtomicInteger(), null);
    HttpConnection.Response r = transport.post(url(ss, "/orders"), "{}".getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(2), "req-1");
    assertThat(r.status()).isEqualTo(201);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(r.serverTiming()).isEqualTo("order;dur=1.5");
    assertThat(r.version()).isEqualTo("42");
    assertThat(r.ok()).isTrue();
  }

  @Test
  void sequentialCallsToOneHostReuseOneConnection() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    AtomicInteger requests = new AtomicInteger();
    ServerSocket ss = server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", connections, requests, null);
    for (int i = 0; i < 20; i++) {
      assertThat(transport.get(url(ss, "/status?i=" + i), Duration.ofSeconds(2), null).status()).isEqualTo(200);
    }
    assertThat(requests.get()).isEqualTo(20);
    assertThat(connections.get()).isEqualTo(1);
    assertThat(transport.idleConnections("http://127.0.0.1:" + ss.getLocalPort())).isEqualTo(1);
  }

  @Test
  void concurrentCallsOpenMoreConnectionsAndTheIdleOnesAreBounded() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    CountDownLatch hold = new CountDownLatch(1);
    int calls = HttpTransport.MAX_IDLE_PER_HOST + 6;
    ServerSocket ss = server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", connections, new AtomicInteger(), hold);
    List<Thread> callers = new ArrayList<>();
    AtomicInteger ok = new AtomicInteger();
    for (int i = 0; i < calls; i++) {
      callers.add(Thread.ofVirtual().start(() -> {
        try {
          if (transport.get(url(ss, "/x"), Duration.ofSeconds(10), null).status() == 200) {
            ok.incrementAndGet();
          }
        } catch (HttpTransport.TransportException e) {
          throw new AssertionError(e);
        }
      }));
    }
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> connections.get() == calls);
    hold.countDown();
    for (Thread t : callers) {
      t.join();
    }
    assertThat(ok.get()).isEqualTo(calls);
    assertThat(transport.idleConnections("http://127.0.0.1:" + ss.getLocalPort()))
        .isEqualTo(HttpTransport.MAX_IDLE_PER_HOST);
  }

  @Test
  void nothingListeningIsRefused() throws Exception {
    int port = closedPort();
    assertThatThrownBy(() -> transport.get("http://127.0.0.1:" + port + "/status", Duration.ofSeconds(1), null))
        .isInstanceOfSatisfying(HttpTransport.TransportException.class, e -> assertThat(e.refused()).isTrue());
  }

  @Test
  void aServerThatDiedBehindAPooledConnectionIsRefusedNotHung() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    ServerSocket ss = server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", connections, new AtomicInteger(), null);
    String url = url(ss, "/status");
    assertThat(transport.get(url, Duration.ofSeconds(2), null).status()).isEqualTo(200);
    // The process goes away: its listening socket and its connections close.
    for (AutoCloseable c : toClose) {
      c.close();
    }
    // Closing a listening socket in this JVM takes effect once its accepting thread has woken up; a
    // SIGKILLed process has no such window. Wait until the port refuses, as a dead process's would.
    org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> refuses(ss.getLocalPort()));
    assertThatThrownBy(() -> transport.get(url, Duration.ofSeconds(2), null))
        .isInstanceOfSatisfying(HttpTransport.TransportException.class, e -> assertThat(e.refused()).isTrue());
  }

  @Test
  void aSilentServerIsATimeoutNotARefusal() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    ServerSocket ss = server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", new AtomicInteger(), new AtomicInteger(),
        never);
    try {
      assertThatThrownBy(() -> transport.get(url(ss, "/slow"), Duration.ofMillis(200), null))
          .isInstanceOfSatisfying(HttpTransport.TransportException.class, e -> {
            assertThat(e.refused()).isFalse();
            assertThat(e.getMessage()).contains("timeout");
          });
    } finally {
      never.countDown();
    }
  }

  @Test
  void aClosedTransportRefusesCallsWithoutConnecting() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    ServerSocket ss = server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", connections, new AtomicInteger(), null);
    transport.close();
    assertThatThrownBy(() -> transport.get(url(ss, "/status"), Duration.ofSeconds(1), null))
        .isInstanceOfSatisfying(HttpTransport.TransportException.class, e -> assertThat(e.refused()).isFalse());
    assertThat(connections.get()).isZero();
  }
}
