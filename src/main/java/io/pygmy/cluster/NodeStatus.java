package io.pygmy.cluster;

import io.pygmy.raft.ReplicaStatus;
import java.util.Map;

/**
 * What a node says about itself on {@code GET /status}: identity, process, and (for replicas) its Raft
 * view. {@code details} holds tier-specific figures (books, orders, cache statistics).
 */
public record NodeStatus(String name, String service, long pid, String incarnation, long startedAtMillis,
                         long uptimeMillis, ReplicaStatus raft, Map<String, Object> details) {}
