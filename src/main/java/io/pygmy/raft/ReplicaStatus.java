package io.pygmy.raft;

/** One replica's view of its Raft group, as reported to heartbeats, /api/cluster and the dashboard. */
public record ReplicaStatus(String role, long term, String leader, long commitIndex, long appliedIndex,
                            boolean leaderReady) {
  /** Not named isLeader(): Jackson would take that for the getter of {@code leader} and drop the field. */
  public boolean leads() {
    return "LEADER".equals(role);
  }
}
