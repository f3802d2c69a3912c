package io.pygmy.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pygmy.http.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A client of the store's public HTTP API, as a user or a load generator sees it: only the frontend's
 * routes, only their JSON. Every call has the timeout given at construction and either returns a
 * {@link Reply} or throws {@link StoreException} (the store answered with an error) or
 * {@link StoreUnreachableException} (no answer). Thread-safe; one instance can serve many threads.
 */
public final class StoreClient implements AutoCloseable {
  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final String REQUEST_ID = "X-Request-Id";
  /** Lenient on input: a newer store may add fields, and an old client should keep working. */
  private static final ObjectMapper MAPPER =
      Json.MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final String baseUrl;
  private final Duration timeout;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http;

  /** One book as the API shows it. Costs are whole currency units. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Book(int id, String title, String topic, long cost, long stock) {}

  /** One recorded buy: {@code status} is CONFIRMED (stock taken) or REJECTED (out of stock). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Order(long id, String key, int item, int quantity, String status, long unitCost, long totalCost,
                      long placedAtMillis) {
    public boolean confirmed() {
      return "CONFIRMED".equals(status);
    }
  }

  /** The outcome of a buy: bought, or out of stock (then {@code order} is the rejected order, if the store sent it). */
  public record Purchase(boolean bought, Order order, String idempotencyKey) {}

  /** The outcome of an admin write; {@code replayed} when the key had already been applied. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BookUpdate(Book book, boolean replayed) {}

  /**
   * One answer: HTTP status, the typed value, the raw JSON body (for {@code --json} output), the time
   * from sending to the whole answer, and the request id the store logged it under.
   */
  public record Reply<T>(int status, T value, JsonNode body, long latencyNanos, String requestId) {
    <U> Reply<U> with(U newValue) {
      return new Reply<>(status, newValue, body, latencyNanos, requestId);
    }
  }

  /**
   * @param baseUrl the frontend, e.g. {@code http://127.0.0.1:8080}
   * @param timeout bound on each call, connect included
   */
  public StoreClient(String baseUrl, Duration timeout) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    URI uri = URI.create(baseUrl);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  // ---------------------------------------------------------------- reads

  /** {@code GET /search?topic=T}: the books of a topic (an unknown topic has none). */
  public Reply<List<Book>> search(String topic) {
    Reply<JsonNode> r = checked(get("/search?topic=" + encode(topic)));
    return r.with(books(r));
  }

  /** {@code GET /lookup?item=N}: one book; 404 {@code not_found} when there is no such item. */
  public Reply<Book> lookup(int item) {
    Reply<JsonNode> r = checked(get("/lookup?item=" + item));
    List<Book> books = books(r);
    if (books.size() != 1) {
      throw unexpected(r, "a lookup answered " + books.size() + " books");
    }
    return r.with(books.get(0));
  }

  /** {@code GET /api/orders/{id}}. */
  public Reply<Order> order(long id) {
    Reply<JsonNode> r = checked(get("/api/orders/" + id));
    return r.with(convert(r, r.body(), Order.class));
  }

  /** {@code GET /api/orders?key=K}: the order placed with that idempotency key. */
  public Reply<Order> orderByKey(String key) {
    Reply<JsonNode> r = checked(get("/api/orders?key=" + encode(key)));
    return r.with(convert(r, r.body(), Order.class));
  }

  /** {@code GET /api/orders?recent=N}: the latest orders, newest first (the store caps N). */
  public Reply<List<Order>> recentOrders(int count) {
    Reply<JsonNode> r = checked(get("/api/orders?recent=" + count));
    return r.with(convertList(r, r.body().path("orders"), new TypeReference<List<Order>>() {}));
  }

  /** {@code GET /api/cluster}: every node as the frontend sees it, and the cache statistics. */
  public Reply<JsonNode> cluster() {
    return checked(get("/api/cluster"));
  }

  /** {@code GET /status} of whatever node this client points at (every node serves it). */
  public Reply<JsonNode> nodeStatus() {
    return checked(get("/status"));
  }

  // ---------------------------------------------------------------- writes

  /**
   * {@code POST /api/orders}. Out of stock is an outcome, not an exception; every other error throws.
   *
   * @param idempotencyKey null to let the store choose one (then a retry may buy twice)
   */
  public Reply<Purchase> buy(int item, int quantity, String idempotencyKey) {
    Map<String, Object> body = Map.of("item", item, "quantity", quantity);
    Reply<JsonNode> r = send(post("/api/orders", body, idempotencyKey, null));
    if (r.status() == 201 && r.body() != null) {
      Order order = convert(r, r.body(), Order.class);
      return r.with(new Purchase(true, order, idempotencyKey != null ? idempotencyKey : order.key()));
    }
    if (r.status() == 409 && "out_of_stock".equals(errorCode(r.body()))) {
      JsonNode detail = r.body().path("order");
      Order order = detail.isObject() ? convert(r, detail, Order.class) : null;
      return r.with(new Purchase(false, order, idempotencyKey != null || order == null ? idempotencyKey : order.key()));
    }
    throw r.status() >= 400 ? error(r) : unexpected(r, "HTTP " + r.status() + " to a buy");
  }

  /** Admin: {@code POST /api/books/{id}/restock}; {@code idempotencyKey} null for a fresh one. */
  public Reply<BookUpdate> restock(int item, long quantity, String idempotencyKey, String adminToken) {
    Reply<JsonNode> r = checked(send(post("/api/books/" + item + "/restock", Map.of("quantity", quantity),
        idempotencyKey, adminToken)));
    return r.with(convert(r, r.body(), BookUpdate.class));
  }

  /** Admin: {@code PATCH /api/books/{id}} with a new cost. */
  public Reply<BookUpdate> setCost(int item, long cost, String adminToken) {
    HttpRequest.Builder b = request("/api/books/" + item)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Json.bytes(Map.of("cost", cost))))
        .header("Content-Type", "application/json");
    authorize(b, adminToken);
    Reply<JsonNode> r = checked(send(b));
    return r.with(convert(r, r.body(), BookUpdate.class));
  }

  // ---------------------------------------------------------------- plumbing

  private Reply<JsonNode> get(String pathAndQuery) {
    return send(request(pathAndQuery).GET());
  }

  private HttpRequest.Builder post(String path, Object body, String idempotencyKey, String adminToken) {
    HttpRequest.Builder b = request(path)
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)))
        .header("Content-Type", "application/json");
    if (idempotencyKey != null) {
      b.header(IDEMPOTENCY_KEY, idempotencyKey);
    }
    authorize(b, adminToken);
    return b;
  }

  private static void authorize(HttpRequest.Builder b, String adminToken) {
    if (adminToken != null) {
      b.header("Authorization", "Bearer " + adminToken);
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
        .timeout(timeout)
        .header("Accept", "application/json");
  }

  private Reply<JsonNode> send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    long startNanos = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new StoreUnreachableException("cannot connect to " + baseUrl + " within " + timeout.toMillis() + " ms", e,
          false);
    } catch (HttpTimeoutException e) {
      throw new StoreUnreachableException("no answer from " + request.uri() + " within " + timeout.toMillis()
          + " ms", e, true);
    } catch (IOException e) {
      throw new StoreUnreachableException(isRefused(e) ? "cannot connect to " + baseUrl + " (connection refused)"
          : "call to " + request.uri() + " failed: " + e, e, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnreachableException("interrupted while calling " + request.uri(), e, false);
    }
    long latencyNanos = System.nanoTime() - startNanos;
    JsonNode json = parse(response.body());
    return new Reply<>(response.statusCode(), json, json, latencyNanos,
        response.headers().firstValue(REQUEST_ID).orElse(null));
  }

  private static Reply<JsonNode> checked(Reply<JsonNode> r) {
    if (r.status() >= 400) {
      throw error(r);
    }
    if (r.body() == null) {
      throw unexpected(r, "the answer is not JSON");
    }
    return r;
  }

  /** Maps an error answer to its exception: the store's code and message, or a description of what came. */
  static StoreException error(Reply<JsonNode> r) {
    String code = errorCode(r.body());
    if (code == null) {
      return new StoreException(r.status(), StoreException.UNKNOWN_CODE, "HTTP " + r.status()
          + " without a store error body", r.requestId(), r.body());
    }
    JsonNode e = r.body().path("error");
    String requestId = e.path("requestId").asText(r.requestId());
    return new StoreException(r.status(), code, e.path("message").asText(""), requestId, r.body());
  }

  static String errorCode(JsonNode body) {
    JsonNode code = body == null ? null : body.path("error").path("code");
    return code != null && code.isTextual() ? code.asText() : null;
  }

  private static StoreException unexpected(Reply<JsonNode> r, String what) {
    return new StoreException(r.status(), StoreException.UNKNOWN_CODE, "unexpected answer: " + what, r.requestId(),
        r.body());
  }

  private static List<Book> books(Reply<JsonNode> r) {
    return convertList(r, r.body().path("books"), new TypeReference<List<Book>>() {});
  }

  private static <T> T convert(Reply<JsonNode> r, JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (IOException | IllegalArgumentException e) {
      throw unexpected(r, "not a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  private static <T> List<T> convertList(Reply<JsonNode> r, JsonNode node, TypeReference<List<T>> type) {
    if (!node.isArray()) {
      throw unexpected(r, "no list where one was expected");
    }
    try {
      return List.copyOf(MAPPER.convertValue(node, type));
    } catch (IllegalArgumentException e) {
      throw unexpected(r, e.getMessage());
    }
  }

  /** The body as JSON, or null when it is empty or not JSON. */
  static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isRefused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.close();
    executor.close();
  }
}
