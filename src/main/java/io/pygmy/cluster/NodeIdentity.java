package io.pygmy.cluster;

import io.pygmy.config.NodeAddress;
import io.pygmy.raft.ReplicaStatus;
import java.util.Map;
import java.util.UUID;

/** This process: its node, pid, start time and incarnation (a fresh id per process start). */
public record NodeIdentity(NodeAddress node, long pid, String incarnation, long startedAtMillis, long startedAtNanos) {
  public static NodeIdentity of(NodeAddress node) {
    return new NodeIdentity(node, ProcessHandle.current().pid(), UUID.randomUUID().toString(),
        System.currentTimeMillis(), System.nanoTime());
  }

  public NodeStatus status(ReplicaStatus raft, Map<String, Object> details) {
    return new NodeStatus(node.name(), node.service().id(), pid, incarnation, startedAtMillis,
        (System.nanoTime() - startedAtNanos) / 1_000_000, raft, details);
  }
}
