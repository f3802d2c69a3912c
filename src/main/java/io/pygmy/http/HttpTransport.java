package io.pygmy.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * HTTP between tiers: JSON over HTTP/1.1 with keep-alive. Every call has a timeout; a call either
 * returns a response (any status) or throws {@link TransportException} saying whether the peer was
 * provably not listening (connection refused), which callers use to fail over at once.
 */
public final class HttpTransport implements AutoCloseable {
  private final HttpClient client;

  public HttpTransport(Duration connectTimeout) {
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
  }

  public record Response(int status, byte[] body, String serverTiming, String version) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** Why a call produced no response. */
  public static final class TransportException extends IOException {
    private final boolean refused;

    TransportException(String message, Throwable cause, boolean refused) {
      super(message, cause);
      this.refused = refused;
    }

    /** True only when the peer's host answered that nothing listens on the port: the process is gone. */
    public boolean refused() {
      return refused;
    }
  }

  public Response get(String url, Duration timeout, String requestId) throws TransportException {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), timeout, requestId);
  }

  public Response post(String url, byte[] json, Duration timeout, String requestId) throws TransportException {
    return send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json)), timeout, requestId);
  }

  private Response send(HttpRequest.Builder builder, Duration timeout, String requestId) throws TransportException {
    builder.timeout(timeout);
    if (requestId != null) {
      builder.header(HttpServers.REQUEST_ID, requestId);
    }
    HttpRequest request = builder.build();
    try {
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.body(),
          r.headers().firstValue(ServerTiming.HEADER).orElse(null),
          r.headers().firstValue(Headers.VERSION).orElse(null));
    } catch (HttpTimeoutException e) {
      throw new TransportException("timeout after " + timeout.toMillis() + " ms: " + request.uri(), e, false);
    } catch (IOException e) {
      throw new TransportException(e + ": " + request.uri(), e, isRefused(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted: " + request.uri(), e, false);
    }
  }

  static boolean isRefused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException && t.getMessage() != null && t.getMessage().contains("refused")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    client.close();
  }
}
