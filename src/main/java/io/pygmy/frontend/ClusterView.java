package io.pygmy.frontend;

import io.pygmy.cluster.NodeStatus;
import io.pygmy.config.NodeAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The frontend's latest knowledge of every backend node, from heartbeats; served by {@code /api/cluster}. */
final class ClusterView {
  private record Observation(NodeStatus status, long lastHeardNanos, boolean healthy, String error) {}

  private final List<NodeAddress> backends;
  private final LongSupplier nanoClock;
  private final Map<String, Observation> observations = new ConcurrentHashMap<>();

  ClusterView(List<NodeAddress> backends, LongSupplier nanoClock) {
    this.backends = List.copyOf(backends);
    this.nanoClock = nanoClock;
  }

  void heard(NodeStatus status) {
    observations.put(status.name(), new Observation(status, nanoClock.getAsLong(), true, null));
  }

  void failed(String name, String error) {
    observations.compute(name, (n, old) -> new Observation(old == null ? null : old.status(),
        old == null ? 0 : old.lastHeardNanos(), false, error));
  }

  /**
   * Whether a healthy replica of {@code service} last reported a leader of its group, or reported being
   * it. (ReplicaStatus's JSON leaves out {@code leader}: its {@code @JsonIgnore isLeader()} hides the
   * property, so the role is what reliably crosses the wire.)
   */
  boolean leaderKnown(String service) {
    for (NodeAddress node : backends) {
      Observation o = observations.get(node.name());
      if (node.service().id().equals(service) && o != null && o.healthy() && o.status() != null
          && o.status().raft() != null && (o.status().raft().leader() != null || o.status().raft().leads())) {
        return true;
      }
    }
    return false;
  }

  /** One JSON-ready row per node, backends in config order, then {@code self}. */
  List<Map<String, Object>> rows(NodeStatus self) {
    long now = nanoClock.getAsLong();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (NodeAddress node : backends) {
      Observation o = observations.get(node.name());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", node.name());
      row.put("service", node.service().id());
      row.put("url", node.httpUrl());
      row.put("healthy", o != null && o.healthy());
      NodeStatus s = o == null ? null : o.status();
      if (s != null && s.raft() != null) {
        row.put("role", s.raft().role());
        row.put("term", s.raft().term());
        row.put("leader", s.raft().leader());
        row.put("commitIndex", s.raft().commitIndex());
        row.put("appliedIndex", s.raft().appliedIndex());
      } else {
        row.put("role", "UNKNOWN");
      }
      if (s != null) {
        row.put("pid", s.pid());
        row.put("uptimeMillis", s.uptimeMillis());
        row.put("details", s.details());
      }
      if (o != null && o.lastHeardNanos() != 0) {
        row.put("lastHeartbeatMillisAgo", (now - o.lastHeardNanos()) / 1_000_000);
      }
      if (o != null && o.error() != null) {
        row.put("error", o.error());
      }
      rows.add(row);
    }
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("name", self.name());
    me.put("service", self.service());
    me.put("healthy", true);
    me.put("role", "FRONTEND");
    me.put("pid", self.pid());
    me.put("uptimeMillis", self.uptimeMillis());
    me.put("details", self.details());
    rows.add(me);
    return rows;
  }
}
