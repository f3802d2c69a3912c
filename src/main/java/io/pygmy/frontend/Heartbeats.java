package io.pygmy.frontend;

import io.pygmy.cluster.NodeStatus;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Settings;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frontend's heartbeats. To every catalog replica it announces itself (name, URL, incarnation), which
 * registers it for invalidations and renews its cache lease; to every order replica it asks for status.
 * Each result marks the replica up or down, tells the {@link ReplicaPool} who leads the group, and feeds
 * {@code /api/cluster}. At most one heartbeat per replica is in flight, so a hung replica cannot pile
 * them up.
 */
final class Heartbeats {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

  private final Settings settings;
  private final HttpTransport transport;
  private final ExecutorService workers;
  private final byte[] hello;
  private final ReplicaPool catalog;
  private final ReplicaPool order;
  private final ReadCache cache;
  private final ClusterView view;
  private final Map<String, AtomicBoolean> inFlight = new ConcurrentHashMap<>();

  Heartbeats(Settings settings, HttpTransport transport, ExecutorService workers, Map<String, String> hello,
             ReplicaPool catalog, ReplicaPool order, ReadCache cache, ClusterView view) {
    this.settings = settings;
    this.transport = transport;
    this.workers = workers;
    this.hello = Json.bytes(hello);
    this.catalog = catalog;
    this.order = order;
    this.cache = cache;
    this.view = view;
  }

  void start(ScheduledExecutorService scheduler) {
    scheduler.scheduleWithFixedDelay(this::catalogRound, 0, settings.cacheRenewIntervalMillis(), TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::orderRound, 0, settings.heartbeatIntervalMillis(), TimeUnit.MILLISECONDS);
  }

  private void catalogRound() {
    for (NodeAddress node : catalog.replicas()) {
      send(node, catalog, true);
    }
  }

  private void orderRound() {
    for (NodeAddress node : order.replicas()) {
      send(node, order, false);
    }
  }

  private void send(NodeAddress node, ReplicaPool pool, boolean catalogReplica) {
    AtomicBoolean busy = inFlight.computeIfAbsent(node.name(), n -> new AtomicBoolean());
    if (!busy.compareAndSet(false, true)) {
      return;
    }
    workers.execute(() -> {
      try {
        Duration timeout = Duration.ofMillis(Math.min(settings.backendTimeoutMillis(), settings.heartbeatIntervalMillis()));
        long sentAt = System.nanoTime();
        HttpConnection.Response r = catalogReplica
            ? transport.post(node.httpUrl() + "/internal/heartbeat", hello, timeout, null)
            : transport.get(node.httpUrl() + "/status", timeout, null);
        if (r.status() != 200) {
          throw new IllegalStateException("status " + r.status());
        }
        NodeStatus status = Json.read(r.body(), NodeStatus.class);
        if (catalogReplica) {
          cache.leaseRenewed(node.name(), sentAt);
        }
        if (!pool.isUp(node.name())) {
          LOG.info("{} is up", node.name());
        }
        pool.markUp(node.name());
        if (status.raft() != null) {
          pool.heardLeader(status.raft().leader(), status.raft().term());
        }
        view.heard(status);
      } catch (Exception e) {
        if (pool.isUp(node.name())) {
          LOG.info("{} is down: {}", node.name(), e.getMessage());
        }
        pool.markDown(node.name());
        view.failed(node.name(), e.getMessage());
      } finally {
        busy.set(false);
      }
    });
  }
}
