package io.pygmy.catalog;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pygmy.cluster.NodeIdentity;
import io.pygmy.cluster.PeerCheckpoints;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.Health;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpServers;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import io.pygmy.http.Requests;
import io.pygmy.metrics.NodeMetrics;
import io.pygmy.raft.PeerLogs;
import io.pygmy.raft.RaftCalls;
import io.pygmy.raft.RaftReplica;
import io.pygmy.raft.RaftSetup;
import io.pygmy.raft.Stores;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One catalog replica: the Raft replica holding the inventory, its HTTP API for the frontend, the
 * invalidation fan-out to frontend caches, and the one-time seeding of the initial books.
 */
public final class CatalogNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogNode.class);

  private final Settings settings;
  private final NodeIdentity identity;
  private final HttpTransport transport;
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService scheduler;
  private final InvalidationFanout fanout;
  private final CatalogStateMachine stateMachine;
  private final RaftReplica replica;
  private final RaftClient client;
  private final NodeMetrics metrics;
  private final Javalin http;
  private final Seeder seeder;
  private volatile ScheduledFuture<?> seeding;
  private final CatalogApi api;

  private CatalogNode(ClusterConfig config, NodeAddress node, Path dataDir, BooksFile initialBooks)
      throws IOException {
    this.settings = config.settings();
    this.identity = NodeIdentity.of(node);
    this.transport = new HttpTransport(Duration.ofMillis(settings.invalidationTimeoutMillis()));
    this.scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("catalog-timer-", 0).factory());
    this.fanout = new InvalidationFanout(this::sendInvalidation, scheduler, System::nanoTime,
        settings.cacheLeaseMillis(), 20, settings.invalidationMaxKeysPerBatch(), settings.invalidationEnabled());
    this.stateMachine = new CatalogStateMachine(CatalogLimits.from(settings), fanout, Stores.rocksDb(settings),
        new PeerCheckpoints(config.nodes(Service.CATALOG), node, settings), settings.snapshotEveryLogBytes());
    var group = RaftSetup.group(Service.CATALOG, config.nodes(Service.CATALOG));
    this.replica = RaftReplica.start(node, group, stateMachine, settings, dataDir.resolve("raft"),
        config.bindHostFor(node), new PeerLogs(config.nodes(Service.CATALOG), transport,
            Duration.ofMillis(Math.max(50, settings.leaderProbeIntervalMillis()))));
    this.client = RaftSetup.newClient(group, settings);
    this.metrics = NodeMetrics.forNode("catalog", node.name());
    metrics.bindRaft(replica::status);
    this.api = new CatalogApi(settings, replica, stateMachine, this::write);
    this.http = HttpServers.create(metrics, settings, c -> { });
    routes(http);
    http.start(config.bindHostFor(node), node.httpPort());
    this.seeder = new Seeder(initialBooks, () -> meta().seeded(), () -> replica.status().leaderReady(),
        () -> meta().seedParts(), seed -> write(seed));
    this.seeding = scheduler.scheduleWithFixedDelay(this::seedOnce, 100, 250, TimeUnit.MILLISECONDS);
    LOG.info("catalog replica {} serving on {} (raft {})", node.name(), node.httpUrl(), node.raftAddress());
  }

  /** One seeding attempt; once the catalog is seeded the schedule ends. */
  private void seedOnce() {
    ScheduledFuture<?> task = seeding;
    if (seeder.runOnce() && task != null) {
      task.cancel(false);
    }
  }

  public static CatalogNode start(ClusterConfig config, NodeAddress node, Path dataDir, Path booksFile)
      throws IOException {
    if (node.service() != Service.CATALOG) {
      throw new IllegalArgumentException(node.name() + " is not a catalog node");
    }
    return new CatalogNode(config, node, dataDir, BooksFile.check(booksFile, config.settings().maxBooks()));
  }

  private CatalogMeta meta() {
    return stateMachine.inspect(stateMachine.reads()::meta);
  }

  // ---------------------------------------------------------------- HTTP API

  private void routes(Javalin app) {
    api.routes(app);
    app.post("/internal/reserve", this::reserve);
    app.get("/status", ctx -> ctx.json(status()));
    app.get("/internal/raft/log", ctx -> ctx.json(replica.logPosition()));
    app.get("/internal/checkpoint", ctx -> PeerCheckpoints.serve(ctx, stateMachine));
    app.post("/internal/heartbeat", ctx -> {
      FrontendHello hello = Requests.body(ctx, FrontendHello.class);
      fanout.heartbeat(new InvalidationFanout.Frontend(hello.name(), hello.url(), hello.incarnation()));
      ctx.json(status());
    });
    app.post("/internal/invalidation", ctx -> {
      InvalidationSwitch s = Requests.body(ctx, InvalidationSwitch.class);
      fanout.setEnabled(s.enabled());
      LOG.warn("cache invalidation {} on {} (benchmark switch)", s.enabled() ? "ENABLED" : "DISABLED", identity.node().name());
      ctx.json(Map.of("invalidation", s.enabled()));
    });
    Health.routes(app, () -> Health.catalog(replica.status(), meta().seeded()));
  }

  /** A frontend's heartbeat: who it is and where to send its invalidations. */
  record FrontendHello(String name, String url, String incarnation) {
    FrontendHello {
      if (name == null || url == null || incarnation == null) {
        throw ApiException.badRequest("name, url and incarnation are required");
      }
    }
  }

  record InvalidationSwitch(boolean enabled) {}

  /**
   * An order replica's batch of reservations (one log entry), appended here when this replica leads,
   * which spares the order replica a Raft client round trip; forwarded through this replica's client
   * otherwise. The answer names the leader, so the order replica sends its next batch there.
   */
  private void reserve(Context ctx) {
    if (!(Requests.body(ctx, CatalogCommand.class) instanceof CatalogCommand.ReserveAll cmd)) {
      throw ApiException.badRequest("a reserve-all command is required");
    }
    Inventory.validate(cmd, CatalogLimits.from(settings)).ifPresent(msg -> {
      throw ApiException.badRequest(msg);
    });
    CatalogReply reply = write(cmd);
    ctx.json(Map.of("reply", reply, "leader", String.valueOf(replica.status().leader())));
  }

  /** Maps a refused catalog command to its API error. */
  public static ApiException failure(CatalogReply reply) {
    ErrorCode code = switch (reply.outcome()) {
      case UNKNOWN_ITEM -> ErrorCode.NOT_FOUND;
      case KEY_REUSED -> ErrorCode.IDEMPOTENCY_KEY_REUSED;
      case STOCK_CONFLICT -> ErrorCode.STOCK_CONFLICT;
      case INVALID, ALREADY_SEEDED -> ErrorCode.BAD_REQUEST;
      case OK -> ErrorCode.INTERNAL;
    };
    return new ApiException(code, reply.message());
  }

  private CatalogReply write(CatalogCommand cmd) {
    try {
      byte[] reply = RaftCalls.writePreferLocal(replica, client, Json.bytes(cmd),
          Duration.ofMillis(settings.raftWriteTimeoutMillis()), "catalog write");
      return Json.read(reply, CatalogReply.class);
    } catch (RaftCalls.RejectedException e) {
      return Json.read(e.reply(), CatalogReply.class);
    }
  }

  public io.pygmy.cluster.NodeStatus status() {
    Map<String, Object> details = new LinkedHashMap<>();
    CatalogMeta meta = meta();
    details.put("seeded", meta.seeded());
    details.put("books", meta.books());
    details.put("reservations", meta.reservations());
    details.put("storeBytes", stateMachine.storeBytes());
    details.putAll(stateMachine.snapshotTimes().toMap());
    details.put("frontends", fanout.frontends().stream().map(InvalidationFanout.Frontend::name).sorted().toList());
    details.put("invalidation", fanout.enabled());
    details.put("invalidatedAtAppend", stateMachine.appliedWithEarlyInvalidation());
    details.put("electionsForGoneLeader", replica.electionsStartedForGoneLeader());
    return identity.status(replica.status(), details);
  }

  // ---------------------------------------------------------------- background work

  private CompletableFuture<InvalidationFanout.SendResult> sendInvalidation(
      InvalidationFanout.Frontend target, long index, Set<String> keys, boolean flushAll) {
    return CompletableFuture.supplyAsync(() -> {
      byte[] body = Json.bytes(new InvalidationBatch(identity.node().name(), target.incarnation(), index,
          List.copyOf(keys), flushAll));
      try {
        HttpConnection.Response r = transport.post(target.url() + "/internal/invalidate", body,
            Duration.ofMillis(settings.invalidationTimeoutMillis()), null);
        if (r.status() == 200) {
          return InvalidationFanout.SendResult.ACKED;
        }
        return r.status() == 410 ? InvalidationFanout.SendResult.GONE : InvalidationFanout.SendResult.FAILED;
      } catch (HttpTransport.TransportException e) {
        return e.refused() ? InvalidationFanout.SendResult.GONE : InvalidationFanout.SendResult.FAILED;
      }
    }, virtualThreads);
  }

  /** The body of {@code POST /internal/invalidate} on a frontend. */
  public record InvalidationBatch(String replica, String incarnation, long index, List<String> keys,
                                  boolean flushAll) {}

  public RaftReplica replica() {
    return replica;
  }

  @Override
  public void close() {
    seeding.cancel(false);
    http.stop();
    closeQuietly(client);
    closeQuietly(replica);
    fanout.close();
    scheduler.shutdownNow();
    virtualThreads.shutdownNow();
    transport.close();
    metrics.close();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("error while closing {}: {}", c, e.toString());
    }
  }
}
