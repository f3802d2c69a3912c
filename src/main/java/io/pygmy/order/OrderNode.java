package io.pygmy.order;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pygmy.cluster.NodeIdentity;
import io.pygmy.cluster.NodeStatus;
import io.pygmy.cluster.PeerCheckpoints;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.Health;
import io.pygmy.http.HttpServers;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import io.pygmy.http.Requests;
import io.pygmy.http.ServerTiming;
import io.pygmy.metrics.NodeMetrics;
import io.pygmy.raft.PeerLogs;
import io.pygmy.raft.RaftReplica;
import io.pygmy.raft.RaftSetup;
import io.pygmy.raft.Stores;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One order replica: the Raft replica holding the order log, the buy coordinator (any replica can
 * coordinate a buy), the leader-only reconciler, and the HTTP API the frontend calls.
 */
public final class OrderNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrderNode.class);

  private final Settings settings;
  private final NodeIdentity identity;
  private final OrderStateMachine stateMachine;
  private final RaftReplica replica;
  private final RaftClient orderClient;
  private final RaftClient catalogClient;
  private final HttpTransport transport;
  private final CatalogReservations reservations;
  private final BuyCoordinator coordinator;
  private final Reconciler reconciler;
  private final OrderReads reads;
  private final ScheduledExecutorService scheduler;
  private final NodeMetrics metrics;
  private final Javalin http;

  private OrderNode(ClusterConfig config, NodeAddress node, Path dataDir) throws IOException {
    this.settings = config.settings();
    this.identity = NodeIdentity.of(node);
    this.stateMachine = new OrderStateMachine(settings.keyRetentionMillis(), Stores.rocksDb(settings),
        new PeerCheckpoints(config.nodes(Service.ORDER), node, settings), settings.snapshotEveryLogBytes());
    var group = RaftSetup.group(Service.ORDER, config.nodes(Service.ORDER));
    this.transport = new HttpTransport(Duration.ofMillis(Math.max(100, settings.raftWriteTimeoutMillis() / 4)));
    this.replica = RaftReplica.start(node, group, stateMachine, settings, dataDir.resolve("raft"),
        config.bindHostFor(node), new PeerLogs(config.nodes(Service.ORDER), transport,
            Duration.ofMillis(Math.max(50, settings.leaderProbeIntervalMillis()))));
    this.orderClient = RaftSetup.newClient(group, settings);
    this.catalogClient = RaftSetup.newClient(RaftSetup.group(Service.CATALOG, config.nodes(Service.CATALOG)), settings);
    this.metrics = NodeMetrics.forNode("order", node.name());
    this.reservations = new CatalogReservations(settings, config.nodes(Service.CATALOG), catalogClient,
        transport);
    this.coordinator = new BuyCoordinator(settings, reservations, orderClient, replica, stateMachine,
        metrics::recordBuyBatch);
    this.reads = new OrderReads(settings, replica, stateMachine, catalogClient, coordinator);
    this.reconciler = new Reconciler(replica, stateMachine, catalogClient, coordinator, settings.reconcileBatchSize());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("reconciler").factory());
    scheduler.scheduleWithFixedDelay(reconciler::runOnce, settings.reconcileIntervalMillis(),
        settings.reconcileIntervalMillis(), TimeUnit.MILLISECONDS);
    metrics.bindRaft(replica::status);
    this.http = HttpServers.create(metrics, settings, c -> { });
    routes(http);
    http.start(config.bindHostFor(node), node.httpPort());
    LOG.info("order replica {} serving on {} (raft {})", node.name(), node.httpUrl(), node.raftAddress());
  }

  public static OrderNode start(ClusterConfig config, NodeAddress node, Path dataDir) throws IOException {
    if (node.service() != Service.ORDER) {
      throw new IllegalArgumentException(node.name() + " is not an order node");
    }
    return new OrderNode(config, node, dataDir);
  }

  /**
   * Body of {@code POST /orders}: the frontend always supplies the key, and names the catalog leader it
   * knows of ({@code catalogLeader}, optional), for a replica that has not reserved anything lately.
   */
  public record BuyRequest(String key, Integer item, Integer quantity, String catalogLeader) {}

  private void routes(Javalin app) {
    app.post("/orders", this::buy);
    app.get("/orders/summary", ctx -> ctx.json(reads.summary()));
    // This replica's summary, without catching up, under the name the catalog uses: every replica
    // answers GET /digest, and the digests are compared to see that replicas agree.
    app.get("/digest", ctx -> ctx.json(reads.localSummary()));
    app.get("/orders/{id}", ctx -> {
      long id = Requests.positiveInt(ctx.pathParam("id"), "id");
      ctx.json(reads.byId(id).orElseThrow(() -> ApiException.notFound("no order with id " + id)));
    });
    app.get("/orders", ctx -> {
      String key = ctx.queryParam("key");
      if (key != null) {
        ctx.json(reads.byKey(key).orElseThrow(() -> ApiException.notFound("no order with key " + key)));
        return;
      }
      String recent = ctx.queryParam("recent");
      if (recent != null) {
        ctx.json(Map.of("orders", reads.recent(Math.min(settings.maxRecentOrders(),
            Requests.positiveInt(recent, "recent")))));
        return;
      }
      long after = Requests.nonNegativeLong(ctx.queryParamAsClass("after", String.class).getOrDefault("0"), "after");
      int limit = Requests.positiveInt(ctx.queryParamAsClass("limit", String.class)
          .getOrDefault(Integer.toString(settings.maxRecentOrders())), "limit");
      if (limit > settings.maxRecentOrders()) {
        throw ApiException.badRequest("'limit' must be in 1.." + settings.maxRecentOrders());
      }
      List<Order> page = reads.page(after, limit);
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("orders", Json.MAPPER.valueToTree(page));
      body.put("next", page.size() < limit ? null : page.get(page.size() - 1).id()); // null on the last page
      ctx.contentType("application/json").result(Json.bytes(body));
    });
    app.get("/status", ctx -> ctx.json(status()));
    app.get("/internal/raft/log", ctx -> ctx.json(replica.logPosition()));
    app.get(PeerCheckpoints.PATH, ctx -> PeerCheckpoints.serve(ctx, stateMachine));
    Health.routes(app, () -> Health.replica(replica.status()));
  }

  private void buy(Context ctx) {
    BuyRequest req = Requests.body(ctx, BuyRequest.class);
    if (req.key() == null || req.item() == null || req.quantity() == null) {
      throw ApiException.badRequest("key, item and quantity are required");
    }
    if (req.item() <= 0) {
      throw ApiException.badRequest("item must be a positive integer");
    }
    if (req.quantity() < 1 || req.quantity() > settings.maxQuantityPerOrder()) {
      throw ApiException.badRequest("quantity must be in 1.." + settings.maxQuantityPerOrder());
    }
    reservations.hint(req.catalogLeader(), System.nanoTime());
    BuyCoordinator.Outcome outcome;
    try {
      outcome = coordinator.buy(req.key(), req.item(), req.quantity(), System.currentTimeMillis());
    } catch (ApiException e) {
      metrics.countBuy(e.code() == ErrorCode.OUT_OF_STOCK ? "rejected" : "failed");
      throw e;
    } catch (RuntimeException e) {
      metrics.countBuy("failed");
      throw e;
    }
    HttpServers.addDownstreamTiming(ctx, ServerTiming.entry("catalog", outcome.catalogNanos()));
    Order order = outcome.order();
    LOG.info("buy key={} item={} quantity={} -> order {} {}{}", req.key(), req.item(), req.quantity(), order.id(),
        order.status(), outcome.replayed() ? " (replayed)" : "");
    metrics.countBuy(order.confirmed() ? "confirmed" : "rejected");
    if (!order.confirmed()) {
      throw new ApiException(ErrorCode.OUT_OF_STOCK, "not enough copies of item " + order.item() + " in stock",
          order);
    }
    ctx.status(201).json(order);
  }

  public NodeStatus status() {
    Map<String, Object> details = new LinkedHashMap<>();
    OrderMeta meta = stateMachine.inspect(stateMachine.log()::meta);
    details.put("orders", meta.count());
    details.put("confirmed", meta.confirmed());
    details.put("rejected", meta.rejected());
    details.put("reconciledThroughSeq", meta.watermark());
    details.put("storeBytes", stateMachine.storeBytes());
    details.putAll(stateMachine.snapshotTimes().toMap());
    details.put("catalogLeader", reservations.leaderHint());
    details.put("electionsForGoneLeader", replica.electionsStartedForGoneLeader());
    return identity.status(replica.status(), details);
  }

  public RaftReplica replica() {
    return replica;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    http.stop();
    for (AutoCloseable c : List.<AutoCloseable>of(coordinator, orderClient, catalogClient, transport, replica)) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("error while closing: {}", e.toString());
      }
    }
    metrics.close();
  }
}
