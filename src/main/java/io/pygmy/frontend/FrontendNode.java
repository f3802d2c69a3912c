package io.pygmy.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.pygmy.catalog.CatalogNode;
import io.pygmy.cluster.NodeIdentity;
import io.pygmy.cluster.NodeStatus;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.Health;
import io.pygmy.http.Headers;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpServers;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import io.pygmy.http.Requests;
import io.pygmy.metrics.NodeMetrics;
import io.pygmy.metrics.RouteWindow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only public entry of the store: seed-compatible routes, the JSON API, the read cache, load
 * balancing with failover over the backend replicas, and the cluster view.
 */
public final class FrontendNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrontendNode.class);
  private static final String JSON = "application/json";

  private final Settings settings;
  private final NodeIdentity identity;
  private final AdminToken adminToken;
  private final HttpTransport transport;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService scheduler;
  private final ReplicaPool catalog;
  private final ReplicaPool order;
  private final Backends backends;
  private final ReadCache cache;
  private final BookReads bookReads;
  private final ClusterView view;
  private final NodeMetrics metrics;
  private final Optional<NodeControl> nodeControl;
  private final Javalin http;

  private FrontendNode(ClusterConfig config, NodeAddress node, AdminToken adminToken) {
    this.settings = config.settings();
    this.identity = NodeIdentity.of(node);
    this.adminToken = adminToken;
    this.transport = new HttpTransport(Duration.ofMillis(Math.min(1000, settings.backendTimeoutMillis())));
    this.scheduler = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("heartbeats").factory());
    this.catalog = new ReplicaPool(config.nodes(Service.CATALOG));
    this.order = new ReplicaPool(config.nodes(Service.ORDER));
    this.backends = new Backends(transport, settings);
    long usableLeaseMillis = (long) settings.cacheLeaseMillis() * settings.cacheLeaseSafetyPercent() / 100;
    this.cache = new ReadCache(settings.cacheMaxEntries(), settings.cacheEnabled(),
        config.nodes(Service.CATALOG).stream().map(NodeAddress::name).collect(java.util.stream.Collectors.toSet()),
        usableLeaseMillis, System::nanoTime);
    List<NodeAddress> backendNodes = new ArrayList<>(config.nodes(Service.CATALOG));
    backendNodes.addAll(config.nodes(Service.ORDER));
    this.view = new ClusterView(backendNodes, System::nanoTime);
    this.metrics = NodeMetrics.forNode("frontend", node.name());
    metrics.bindCache(cache::stats);
    this.bookReads = new BookReads(settings, cache, catalog, backends);
    this.nodeControl = NodeControl.fromSystemProperties(config);
    this.http = HttpServers.create(metrics, settings, c -> c.staticFiles.add(files -> {
      files.hostedPath = "/";
      files.directory = "/public"; // the storefront and the dashboard: plain files in the jar, no build step
      files.location = Location.CLASSPATH;
      files.headers = Map.of("Cache-Control", "no-cache");
    }));
    routes(http);
    http.start(config.bindHostFor(node), node.httpPort());
    Map<String, String> hello = Map.of("name", node.name(), "url", node.httpUrl(), "incarnation", identity.incarnation());
    new Heartbeats(settings, transport, workers, hello, catalog, order, cache, view).start(scheduler);
    LOG.info("frontend {} serving on {}; admin token from {}", node.name(), node.httpUrl(), adminToken.source());
    nodeControl.ifPresent(c -> LOG.info("local cluster in {}: the dashboard may kill and start nodes", c.dataDir()));
  }

  public static FrontendNode start(ClusterConfig config, NodeAddress node, AdminToken adminToken) throws IOException {
    if (node.service() != Service.FRONTEND) {
      throw new IllegalArgumentException(node.name() + " is not a frontend node");
    }
    return new FrontendNode(config, node, adminToken);
  }

  // ---------------------------------------------------------------- routes

  private void routes(Javalin app) {
    bookReads.routes(app); // the seed's /search and /lookup, and the API's book reads
    app.get("/buy", this::seedBuy); // the seed's buy
    app.post("/api/books/{id}/restock", this::restock);
    app.patch("/api/books/{id}", this::setCost);
    app.post("/api/orders", this::createOrder);
    app.get("/api/orders/{id}", ctx -> {
      long id = Requests.positiveInt(ctx.pathParam("id"), "id");
      forward(ctx, backends.get(order, "/orders/" + id, HttpServers.requestId(ctx)));
    });
    app.get("/api/orders", ctx -> {
      String key = ctx.queryParam("key");
      String path;
      if (key != null) {
        path = "/orders?key=" + urlEncode(key);
      } else if (ctx.queryParam("recent") != null) {
        path = "/orders?recent=" + Requests.positiveInt(ctx.queryParam("recent"), "recent");
      } else {
        path = "/orders?after=" + Requests.nonNegativeLong(ctx.queryParamAsClass("after", String.class)
            .getOrDefault("0"), "after") + "&limit=" + Requests.positiveInt(ctx.queryParamAsClass("limit", String.class)
            .getOrDefault(Integer.toString(settings.maxRecentOrders())), "limit");
      }
      forward(ctx, backends.get(order, path, HttpServers.requestId(ctx)));
    });
    app.get("/api/cluster", ctx -> ctx.json(cluster()));
    app.get("/dashboard", ctx -> ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache")
        .result(page("/public/dashboard.html")));
    nodeControl.ifPresent(control -> {
      app.post("/api/admin/nodes/{name}/kill", ctx -> {
        requireAdmin(ctx);
        LOG.warn("admin: kill {} from the dashboard", ctx.pathParam("name"));
        ctx.json(control.kill(ctx.pathParam("name")));
      });
      app.post("/api/admin/nodes/{name}/start", ctx -> {
        requireAdmin(ctx);
        LOG.warn("admin: start {} from the dashboard", ctx.pathParam("name"));
        ctx.json(control.start(ctx.pathParam("name")));
      });
    });
    app.post("/api/admin/cache", ctx -> {
      requireAdmin(ctx);
      boolean on = Requests.body(ctx, Switch.class).enabled();
      cache.setEnabled(on);
      LOG.warn("read cache {} by admin", on ? "enabled" : "disabled");
      ctx.json(Map.of("cache", on));
    });
    app.post("/api/admin/invalidation", this::switchInvalidation);

    app.post("/internal/invalidate", ctx -> {
      CatalogNode.InvalidationBatch batch = Requests.body(ctx, CatalogNode.InvalidationBatch.class);
      if (!identity.incarnation().equals(batch.incarnation())) {
        ctx.status(410).json(Map.of("incarnation", identity.incarnation()));
        return;
      }
      cache.invalidate(batch.index(), batch.keys(), batch.flushAll());
      ctx.json(Map.of("incarnation", identity.incarnation()));
    });
    app.get("/status", ctx -> ctx.json(status()));
    Health.routes(app, () -> Health.frontend(
        (int) catalog.replicas().stream().filter(n -> catalog.isUp(n.name())).count(),
        (int) order.replicas().stream().filter(n -> order.isUp(n.name())).count(),
        view.leaderKnown(Service.CATALOG.id()), view.leaderKnown(Service.ORDER.id())));
  }

  /** What the dashboard shows: every node, the cache, recent traffic per route and buys by outcome. */
  private Map<String, Object> cluster() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodes", view.rows(status()));
    out.put("cache", cache.stats());
    out.put("traffic", metrics.recentTraffic().stream().map(RouteWindow.RouteStats::toMap).toList());
    Map<String, Object> buys = new LinkedHashMap<>();
    for (String outcome : List.of("confirmed", "rejected", "failed")) {
      buys.put(outcome, (long) metrics.buys(outcome));
    }
    out.put("buys", buys);
    out.put("nodeControl", nodeControl.isPresent());
    return out;
  }

  private static byte[] page(String resource) throws IOException {
    try (var in = FrontendNode.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw ApiException.notFound("no page " + resource);
      }
      return in.readAllBytes();
    }
  }

  record Switch(boolean enabled) {}

  record OrderRequest(Integer item, Integer quantity) {}

  record RestockRequest(Long quantity) {}

  record CostRequest(Long cost) {}

  // ---------------------------------------------------------------- reads

  // ---------------------------------------------------------------- buys

  /** The seed's {@code GET /buy?item=N}: 200 either way, saying bought or out of stock. */
  private void seedBuy(Context ctx) {
    int item = Requests.positiveInt(ctx.queryParam("item"), "item");
    try {
      JsonNode order = buy(ctx, item, 1);
      ctx.json(Map.of("status", "bought", "message", "bought item " + item, "order", order));
    } catch (ApiException e) {
      if (e.code() != ErrorCode.OUT_OF_STOCK) {
        throw e;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", "out_of_stock");
      body.put("message", e.getMessage());
      if (e.detail() != null) {
        body.put("order", e.detail());
      }
      ctx.json(body);
    }
  }

  private void createOrder(Context ctx) {
    OrderRequest req = Requests.body(ctx, OrderRequest.class);
    if (req.item() == null) {
      throw ApiException.badRequest("'item' is required");
    }
    if (req.item() <= 0) {
      throw ApiException.badRequest("'item' must be a positive integer");
    }
    JsonNode order = buy(ctx, req.item(), req.quantity() == null ? 1 : req.quantity());
    ctx.header("Location", "/api/orders/" + order.path("id").asLong());
    ctx.status(201).contentType(JSON).result(Json.bytes(order));
  }

  /** Runs a buy on an order replica, retrying other replicas with the same idempotency key. */
  private JsonNode buy(Context ctx, int item, int quantity) {
    if (quantity < 1 || quantity > settings.maxQuantityPerOrder()) {
      throw ApiException.badRequest("'quantity' must be in 1.." + settings.maxQuantityPerOrder());
    }
    String key = idempotencyKey(ctx);
    ctx.header(Headers.IDEMPOTENCY_KEY, key);
    Map<String, Object> call = new java.util.HashMap<>(Map.of("key", key, "item", item, "quantity", quantity));
    String catalogLeader = catalog.leaderName();
    if (catalogLeader != null) {
      call.put("catalogLeader", catalogLeader); // spares an order replica that rarely coordinates a guess
    }
    byte[] body = Json.bytes(call);
    HttpConnection.Response r;
    try {
      r = backends.post(order, "/orders", body, settings.buyAttempts(), HttpServers.requestId(ctx));
    } catch (ApiException e) {
      metrics.countBuy("failed");
      throw e;
    }
    HttpServers.addDownstreamTiming(ctx, r.serverTiming());
    if (r.status() != 201) {
      ApiException e = FrontendErrors.passThrough(r);
      metrics.countBuy(e.code() == ErrorCode.OUT_OF_STOCK ? "rejected" : "failed");
      throw e;
    }
    metrics.countBuy("confirmed");
    return readTree(r.body());
  }

  private String idempotencyKey(Context ctx) {
    String key = ctx.header(Headers.IDEMPOTENCY_KEY);
    if (key == null) {
      return UUID.randomUUID().toString();
    }
    if (key.isEmpty() || key.length() > settings.maxKeyLength() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ApiException.badRequest("Idempotency-Key must be 1.." + settings.maxKeyLength() + " printable characters");
    }
    return key;
  }

  // ---------------------------------------------------------------- admin writes

  private void restock(Context ctx) {
    requireAdmin(ctx);
    int id = Requests.positiveInt(ctx.pathParam("id"), "id");
    RestockRequest req = Requests.body(ctx, RestockRequest.class);
    if (req.quantity() == null || req.quantity() < 1 || req.quantity() > settings.maxStock()) {
      throw ApiException.badRequest("'quantity' must be in 1.." + settings.maxStock());
    }
    updateBook(ctx, id, req.quantity(), null);
  }

  private void setCost(Context ctx) {
    requireAdmin(ctx);
    int id = Requests.positiveInt(ctx.pathParam("id"), "id");
    CostRequest req = Requests.body(ctx, CostRequest.class);
    if (req.cost() == null || req.cost() < 0 || req.cost() > settings.maxCost()) {
      throw ApiException.badRequest("'cost' must be in 0.." + settings.maxCost());
    }
    updateBook(ctx, id, 0, req.cost());
  }

  private void updateBook(Context ctx, int id, long stockDelta, Long cost) {
    String key = idempotencyKey(ctx);
    ctx.header(Headers.IDEMPOTENCY_KEY, key);
    ObjectNode body = Json.MAPPER.createObjectNode().put("key", key).put("stockDelta", stockDelta);
    if (cost != null) {
      body.put("cost", cost);
    }
    HttpConnection.Response r = backends.post(catalog, "/books/" + id + "/update", Json.bytes(body),
        settings.readAttempts(), HttpServers.requestId(ctx));
    HttpServers.addDownstreamTiming(ctx, r.serverTiming());
    forward(ctx, r);
  }

  private void switchInvalidation(Context ctx) {
    requireAdmin(ctx);
    Switch s = Requests.body(ctx, Switch.class);
    List<String> done = new ArrayList<>();
    for (NodeAddress n : catalog.replicas()) {
      try {
        HttpConnection.Response r = transport.post(n.httpUrl() + "/internal/invalidation", Json.bytes(s),
            Duration.ofMillis(settings.backendTimeoutMillis()), HttpServers.requestId(ctx));
        if (r.ok()) {
          done.add(n.name());
        }
      } catch (HttpTransport.TransportException e) {
        LOG.warn("could not switch invalidation on {}: {}", n.name(), e.getMessage());
      }
    }
    ctx.json(Map.of("invalidation", s.enabled(), "replicas", done));
  }

  private void requireAdmin(Context ctx) {
    if (!adminToken.accepts(ctx.header("Authorization"))) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "this route needs 'Authorization: Bearer <admin token>'");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void respond(Context ctx, byte[] json) {
    ctx.contentType(JSON).result(json);
  }

  /** Returns a backend's answer as ours: body and status, errors included. */
  private static void forward(Context ctx, HttpConnection.Response r) {
    if (r.status() >= 400) {
      throw FrontendErrors.passThrough(r);
    }
    ctx.status(r.status()).contentType(JSON).result(r.body());
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ApiException(ErrorCode.INTERNAL, "unreadable backend answer");
    }
  }

  private static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  public NodeStatus status() {
    return identity.status(null, Map.of("cache", cache.stats()));
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    http.stop();
    workers.shutdownNow();
    transport.close();
    metrics.close();
  }
}
