package io.pygmy.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * HTTP between tiers: JSON over HTTP/1.1 with keep-alive. Every call has a timeout; a call either
 * returns a response (any status) or throws {@link TransportException} saying whether the peer was
 * provably not listening (connection refused), which callers use to fail over at once.
 *
 * <p>Each call borrows a kept-alive {@link HttpConnection} to its host from a small pool (or opens
 * one), and the calling thread, normally a virtual thread, does its own blocking I/O: no selector
 * thread and no hand-offs, which on a 2-core box saved about 2 ms per call against the JDK's
 * {@code HttpClient} (docs/PERFORMANCE.md). At most {@link #MAX_IDLE_PER_HOST} idle connections are
 * kept per host, none longer than {@link #MAX_IDLE_MILLIS} (well under the servers' idle timeout),
 * so a pooled connection the server has closed is rare; when it happens, the call is retried once on
 * a fresh connection, and only when the server provably answered nothing on the old one.
 */
public final class HttpTransport implements AutoCloseable {
  static final int MAX_IDLE_PER_HOST = 64;
  static final long MAX_IDLE_MILLIS = 10_000;

  private final int connectTimeoutMillis;
  private final Map<String, Deque<Idle>> idle = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record Idle(HttpConnection connection, long sinceNanos) {}

  public HttpTransport(Duration connectTimeout) {
    this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
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

  public HttpConnection.Response get(String url, Duration timeout, String requestId) throws TransportException {
    return send(URI.create(url), null, timeout, requestId);
  }

  public HttpConnection.Response post(String url, byte[] json, Duration timeout, String requestId) throws TransportException {
    return send(URI.create(url), json, timeout, requestId);
  }

  private HttpConnection.Response send(URI uri, byte[] body, Duration timeout, String requestId) throws TransportException {
    if (closed) {
      throw new TransportException("transport closed: " + uri, null, false);
    }
    String origin = uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 80);
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    String[] headers = requestId == null ? new String[0] : new String[] {HttpServers.REQUEST_ID, requestId};
    HttpConnection c = borrow(origin, timeoutMillis);
    try {
      c.timeoutMillis(timeoutMillis);
      HttpConnection.Response r = body == null ? c.get(path, headers) : c.post(path, body, headers);
      giveBack(origin, c);
      return r;
    } catch (SocketTimeoutException e) {
      c.close();
      throw new TransportException("timeout after " + timeoutMillis + " ms: " + uri, e, false);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw new TransportException(e + ": " + uri, e, isRefused(e));
    }
  }

  /** The most recently used idle connection to {@code origin} that is young enough, or a new one. */
  private HttpConnection borrow(String origin, int timeoutMillis) {
    Deque<Idle> q = idle.get(origin);
    long now = System.nanoTime();
    if (q != null) {
      for (Idle i; (i = q.pollFirst()) != null; ) {
        if (now - i.sinceNanos() < TimeUnit.MILLISECONDS.toNanos(MAX_IDLE_MILLIS) && i.connection().isOpen()) {
          return i.connection();
        }
        i.connection().close();
      }
    }
    // Connecting is bounded by the connect timeout, reads by the call's timeout.
    return new HttpConnection(URI.create(origin), Math.min(connectTimeoutMillis, timeoutMillis));
  }

  private void giveBack(String origin, HttpConnection c) {
    if (closed || !c.isOpen()) {
      c.close();
      return;
    }
    Deque<Idle> q = idle.computeIfAbsent(origin, o -> new ConcurrentLinkedDeque<>());
    // Returns are serialized per host so that two of them cannot both trim for the same excess (which
    // left 63 of 64); borrowing stays lock-free.
    synchronized (q) {
      q.offerFirst(new Idle(c, System.nanoTime()));
      // Over the limit: drop the least recently used.
      while (q.size() > MAX_IDLE_PER_HOST) {
        Idle oldest = q.pollLast();
        if (oldest == null) {
          break;
        }
        oldest.connection().close();
      }
    }
  }

  /** Idle connections kept for {@code origin} ("http://host:port"), for tests. */
  int idleConnections(String origin) {
    Deque<Idle> q = idle.get(origin);
    return q == null ? 0 : q.size();
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
    closed = true;
    for (Deque<Idle> q : idle.values()) {
      for (Idle i; (i = q.pollFirst()) != null; ) {
        i.connection().close();
      }
    }
  }
}
