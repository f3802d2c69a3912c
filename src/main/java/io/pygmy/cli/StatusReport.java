package io.pygmy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code pygmy status} shows, decided from what it observed: each node's pid file and its answer to
 * {@code GET /status} (or the lack of one). No I/O here.
 */
final class StatusReport {
  private StatusReport() {}

  /** One node's line. {@code healthy}: it answers and, for a replica, leads or follows (is not electing). */
  record Row(String name, String service, String pid, String role, Long term, String leader, Long commitIndex,
             Long appliedIndex, boolean healthy, String uptime, String note) {}

  /**
   * @param pidFromFile the pid its pid file names, if that process is alive and is this node
   * @param status its {@code /status} answer, or null when it gave none
   */
  static Row row(NodeAddress node, Optional<Long> pidFromFile, JsonNode status) {
    String service = node.service().id();
    if (status == null) {
      return pidFromFile.isPresent()
          ? new Row(node.name(), service, pidFromFile.get().toString(), "NO ANSWER", null, null, null, null, false,
              null, "process alive but /status unanswered (starting, paused or hung)")
          : new Row(node.name(), service, null, "DOWN", null, null, null, null, false, null, null);
    }
    long answeredPid = status.path("pid").asLong(-1);
    String note = null;
    if (pidFromFile.isEmpty()) {
      note = "not started from this data directory";
    } else if (answeredPid != pidFromFile.get()) {
      note = "its port is answered by pid " + answeredPid;
    }
    String pid = pidFromFile.map(String::valueOf).orElse(answeredPid > 0 ? Long.toString(answeredPid) : null);
    String uptime = status.has("uptimeMillis") ? formatUptime(status.path("uptimeMillis").asLong()) : null;
    JsonNode raft = status.path("raft");
    if (node.service() == Service.FRONTEND || !raft.isObject()) {
      boolean healthy = node.service() == Service.FRONTEND;
      return new Row(node.name(), service, pid, healthy ? "FRONTEND" : "UNKNOWN", null, null, null, null, healthy,
          uptime, note);
    }
    String role = raft.path("role").asText("UNKNOWN");
    String leader = raft.path("leader").isTextual() ? raft.path("leader").asText() : null;
    boolean healthy = role.equals("LEADER") || role.equals("FOLLOWER");
    return new Row(node.name(), service, pid, role, raft.path("term").asLong(), leader,
        raft.path("commitIndex").asLong(), raft.path("appliedIndex").asLong(), healthy, uptime, note);
  }

  static String table(List<Row> rows) {
    TextTable t = new TextTable("NODE", "SERVICE", "PID", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "HEALTHY",
        "UPTIME", "NOTE");
    for (Row r : rows) {
      t.row(r.name(), r.service(), r.pid(), r.role(), r.term(), r.leader(), r.commitIndex(), r.appliedIndex(),
          r.healthy() ? "yes" : "no", r.uptime(), r.note() == null ? "" : r.note());
    }
    return t.render();
  }

  /** One line per replicated tier: who leads (as its replicas report it), or that none does. */
  static List<String> leaders(List<Row> rows) {
    List<String> lines = new ArrayList<>();
    for (Service s : Service.values()) {
      if (!s.replicated()) {
        continue;
      }
      Optional<Row> leader = rows.stream()
          .filter(r -> r.service().equals(s.id()) && r.role().equals("LEADER"))
          .max((a, b) -> Long.compare(a.term(), b.term()));
      long up = rows.stream().filter(r -> r.service().equals(s.id()) && r.healthy()).count();
      long all = rows.stream().filter(r -> r.service().equals(s.id())).count();
      lines.add(leader.map(r -> s.id() + ": leader " + r.name() + " (term " + r.term() + "), ")
          .orElse(s.id() + ": NO LEADER, ") + up + "/" + all + " replicas healthy");
    }
    return lines;
  }

  static String formatUptime(long millis) {
    long s = Math.max(0, millis) / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
  }
}
