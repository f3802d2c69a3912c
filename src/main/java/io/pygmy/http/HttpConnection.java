package io.pygmy.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection over a plain blocking socket, used by one thread at a time: the
 * calls between tiers ({@link HttpTransport}) and the bench's load generator. Not
 * {@code java.net.http.HttpClient}: on loopback the JDK client's own work (a selector thread, futures,
 * thread hand-offs, header maps) cost more than the store's cached lookup and about 2 ms per call
 * between tiers on a 2-core box (see docs/PERFORMANCE.md); here the calling (virtual) thread writes the
 * request and reads the answer itself. It understands exactly what our servers send: a status line,
 * headers, and a body framed by Content-Length or chunked encoding.
 */
public final class HttpConnection implements AutoCloseable {
  static final int MAX_LINE_BYTES = 16 * 1024;
  static final int MAX_HEADERS = 100;
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  /** Opens connections to one store; each load thread owns the one it opened. */
  public interface Factory {
    HttpConnection connect();
  }

  /** One answer: status, body, and the Server-Timing and version headers (null when absent). */
  public record Response(int status, byte[] body, String serverTiming, String version) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final int port;
  private final int connectTimeoutMillis;
  private int timeoutMillis;
  private final String hostHeader;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  public HttpConnection(URI base, int timeoutMillis) {
    if (!"http".equals(base.getScheme()) || base.getHost() == null) {
      throw new IllegalArgumentException("plain http only: " + base);
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be positive");
    }
    this.host = base.getHost();
    this.port = base.getPort() > 0 ? base.getPort() : 80;
    this.connectTimeoutMillis = timeoutMillis;
    this.timeoutMillis = timeoutMillis;
    this.hostHeader = host + ":" + port;
  }

  public Response get(String pathAndQuery, String... headers) throws IOException {
    return exchange(request("GET", pathAndQuery, null, headers));
  }

  public Response post(String path, byte[] json, String... headers) throws IOException {
    return exchange(request("POST", path, json, headers));
  }

  /** The bound on each blocking read from now on (connecting keeps the constructor's bound). */
  public void timeoutMillis(int millis) throws IOException {
    if (millis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be positive");
    }
    timeoutMillis = millis;
    if (socket != null) {
      socket.setSoTimeout(millis);
    }
  }

  /** True while a socket is open (it may still have been closed by the server meanwhile). */
  public boolean isOpen() {
    return socket != null;
  }

  private byte[] request(String method, String path, byte[] body, String... headers) {
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers come in name, value pairs");
    }
    StringBuilder head = new StringBuilder(128).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(hostHeader).append("\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) {
      return h;
    }
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /**
   * Sends one request and reads its answer. A reused connection the server had closed meanwhile fails
   * before any answer byte; that one case is retried once on a fresh connection (callers send an
   * idempotency key with every write, so even a write retried this way happens once).
   */
  private Response exchange(byte[] request) throws IOException {
    boolean reused = socket != null;
    try {
      return sendAndRead(request);
    } catch (StaleConnectionException e) {
      close();
      if (!reused) {
        throw e;
      }
      return sendAndRead(request);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private Response sendAndRead(byte[] request) throws IOException {
    if (socket == null) {
      connect();
    }
    try {
      out.write(request);
      out.flush();
    } catch (IOException e) {
      throw new StaleConnectionException("write failed: " + e.getMessage());
    }
    String status = readLine(true);
    if (!status.startsWith("HTTP/1.") || status.length() < 12) {
      throw new IOException("not an HTTP status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean close = false;
    String serverTiming = null;
    String version = null;
    for (int i = 0; ; i++) {
      if (i > MAX_HEADERS) {
        throw new IOException("more than " + MAX_HEADERS + " headers");
      }
      String line = readLine(false);
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header: " + line);
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        close = value.equalsIgnoreCase("close");
      } else if (name.equalsIgnoreCase("Server-Timing")) {
        serverTiming = serverTiming == null ? value : serverTiming + ", " + value;
      } else if (name.equalsIgnoreCase(Headers.VERSION)) {
        version = value;
      }
    }
    byte[] body = chunked ? readChunked() : readFixed(contentLength, close);
    if (close) {
      close();
    }
    return new Response(code, body, serverTiming, version);
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(timeoutMillis);
      s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 8192);
    out = new BufferedOutputStream(s.getOutputStream(), 2048);
  }

  private byte[] readFixed(long length, boolean untilClose) throws IOException {
    if (length < 0) {
      if (!untilClose) {
        return new byte[0]; // no framing and the connection stays open: an empty body (e.g. 204)
      }
      return readUntilEof();
    }
    if (length > MAX_BODY_BYTES) {
      throw new IOException("body of " + length + " bytes is over the limit");
    }
    byte[] body = new byte[(int) length];
    int off = 0;
    while (off < body.length) {
      int n = in.read(body, off, body.length - off);
      if (n < 0) {
        throw new EOFException("connection closed in the body");
      }
      off += n;
    }
    return body;
  }

  private byte[] readUntilEof() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    for (int n; (n = in.read(chunk)) >= 0; ) {
      buf.write(chunk, 0, n);
      if (buf.size() > MAX_BODY_BYTES) {
        throw new IOException("body over the limit");
      }
    }
    return buf.toByteArray();
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(false);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
      if (size == 0) {
        while (!readLine(false).isEmpty()) {
          // trailers: ignored
        }
        return buf.toByteArray();
      }
      if (size < 0 || buf.size() + (long) size > MAX_BODY_BYTES) {
        throw new IOException("chunked body over the limit");
      }
      buf.write(readFixed(size, false));
      if (!readLine(false).isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  /** A line without its CRLF. On the status line, EOF before any byte means the server had closed. */
  private String readLine(boolean statusLine) throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      int b;
      try {
        b = in.read();
      } catch (java.net.SocketException e) {
        if (statusLine && line.length() == 0) {
          throw new StaleConnectionException("reset before the answer: " + e.getMessage());
        }
        throw e;
      }
      if (b < 0) {
        if (statusLine && line.length() == 0) {
          throw new StaleConnectionException("closed before the answer");
        }
        throw new EOFException("connection closed mid-line");
      }
      if (b == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE_BYTES) {
        throw new IOException("line longer than " + MAX_LINE_BYTES + " bytes");
      }
      line.append((char) b);
    }
  }

  /** The server closed a kept-alive connection before answering: nothing was processed. */
  public static final class StaleConnectionException extends IOException {
    StaleConnectionException(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing a socket we no longer use: nothing to recover.
      }
    }
    socket = null;
    in = null;
    out = null;
  }
}
