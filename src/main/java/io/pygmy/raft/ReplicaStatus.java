package io.pygmy.raft;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** One replica's view of its Raft group, as reported to heartbeats, /api/cluster and the dashboard. */
public record ReplicaStatus(String role, long term, String leader, long commitIndex, long appliedIndex,
                            boolean leaderReady) {
  @JsonIgnore
  public boolean isLeader() {
    return "LEADER".equals(role);
  }
}
