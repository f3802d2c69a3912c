package io.pygmy.http;

import io.javalin.Javalin;
import io.pygmy.raft.ReplicaStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /health/live} (the process answers HTTP) and {@code /health/ready} (the node can serve: 200,
 * else 503 saying why), the same two routes on every node. Whether a node is ready is a pure decision
 * over what it knows, so it is tested without a cluster.
 */
public final class Health {
  /**
   * How far a replica's applied index may trail its commit index and still count as caught up. A replica
   * replaying its log after a restart trails by far more; one following a busy leader trails by a few.
   */
  public static final long MAX_APPLY_LAG = 1000;

  private Health() {}

  /** Whether a node can serve, why not, and the figures the decision used. */
  public record Readiness(boolean ready, String reason, Map<String, Object> detail) {
    public Map<String, Object> toBody() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", ready ? "ready" : "not ready");
      if (!ready) {
        body.put("reason", reason);
      }
      body.putAll(detail);
      return body;
    }
  }

  /** Registers both routes; {@code readiness} is asked on each call of {@code /health/ready}. */
  public static void routes(Javalin app, Supplier<Readiness> readiness) {
    app.get("/health/live", ctx -> ctx.json(Map.of("status", "live")));
    app.get("/health/ready", ctx -> {
      Readiness r = readiness.get();
      if (!r.ready()) {
        ctx.header("Retry-After", "1");
      }
      ctx.status(r.ready() ? 200 : 503).json(r.toBody());
    });
  }

  /** A replica is ready when it knows a leader and has applied what it knows committed (within the lag). */
  public static Readiness replica(ReplicaStatus raft) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("role", raft.role());
    detail.put("leader", String.valueOf(raft.leader()));
    detail.put("commitIndex", raft.commitIndex());
    detail.put("appliedIndex", raft.appliedIndex());
    if (raft.leader() == null) {
      return new Readiness(false, "no known leader", detail);
    }
    long lag = raft.commitIndex() - raft.appliedIndex();
    if (lag > MAX_APPLY_LAG) {
      return new Readiness(false, "catching up: " + lag + " committed entries not applied yet", detail);
    }
    return new Readiness(true, null, detail);
  }

  /** The catalog also needs its initial books before it can answer a read. */
  public static Readiness catalog(ReplicaStatus raft, boolean seeded) {
    Readiness r = replica(raft);
    Map<String, Object> detail = new LinkedHashMap<>(r.detail());
    detail.put("seeded", seeded);
    if (r.ready() && !seeded) {
      return new Readiness(false, "the catalog is not seeded yet", detail);
    }
    return new Readiness(r.ready(), r.reason(), detail);
  }

  /**
   * A frontend is ready when it can reach a replica of each tier and each tier has a leader it heard of.
   *
   * @param catalogUp catalog replicas answering heartbeats
   * @param orderUp order replicas answering heartbeats
   */
  public static Readiness frontend(int catalogUp, int orderUp, boolean catalogLeaderKnown, boolean orderLeaderKnown) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("catalogReplicasUp", catalogUp);
    detail.put("orderReplicasUp", orderUp);
    detail.put("catalogLeaderKnown", catalogLeaderKnown);
    detail.put("orderLeaderKnown", orderLeaderKnown);
    if (catalogUp == 0 || orderUp == 0) {
      return new Readiness(false, "no " + (catalogUp == 0 ? "catalog" : "order") + " replica answers", detail);
    }
    if (!catalogLeaderKnown || !orderLeaderKnown) {
      return new Readiness(false, "no known " + (catalogLeaderKnown ? "order" : "catalog") + " leader", detail);
    }
    return new Readiness(true, null, detail);
  }
}
