package io.pygmy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.NodeAddress;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the soak reads about one node: resident memory from /proc, its data's size on disk, its /status. */
final class NodeProbe {
  /** Status fields the storage work adds to a replica's details; absent until it does. */
  static final String APPLY_STALL_FIELD = "applyStallMaxMillis";
  static final String SNAPSHOT_FIELD = "snapshotMaxMillis";
  private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s*(\\d+)\\s*kB\\s*$");
  private static final int STATUS_TIMEOUT_MILLIS = 2000;

  private NodeProbe() {}

  /** A replica's {@code /status} as the soak needs it; indexes are -1 and figures null when not reported. */
  record Status(String role, long commitIndex, long appliedIndex, Double applyStallMaxMillis,
                Double snapshotMaxMillis) {
    boolean leads() {
      return "LEADER".equals(role);
    }
  }

  /** VmRSS of a {@code /proc/<pid>/status} text, in bytes; empty when absent (a kernel thread, a zombie). */
  static Optional<Long> rssBytes(String procStatus) {
    Matcher m = VM_RSS.matcher(procStatus);
    return m.find() ? Optional.of(Long.parseLong(m.group(1)) * 1024) : Optional.empty();
  }

  /** Resident memory of a live process; empty when it is gone or /proc cannot be read. */
  static Optional<Long> rssOf(long pid) {
    try {
      return rssBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Bytes of the regular files under {@code dir}; null when it does not exist. Files that vanish during
   * the walk (a compaction or a purged log segment) are skipped, not an error.
   */
  static Long diskBytes(Path dir) {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    long[] total = {0};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      return null;
    }
    return total[0];
  }

  /** Parses a node's {@code /status} JSON; a number-valued field under details counts, anything else not. */
  static Status status(JsonNode root) {
    JsonNode raft = root.path("raft");
    JsonNode details = root.path("details");
    return new Status(raft.path("role").isTextual() ? raft.path("role").asText() : null,
        raft.path("commitIndex").asLong(-1), raft.path("appliedIndex").asLong(-1),
        number(details.path(APPLY_STALL_FIELD)), number(details.path(SNAPSHOT_FIELD)));
  }

  private static Double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : null;
  }

  /** The node's {@code /status}; empty when it does not answer 200 with JSON (down, starting, overloaded). */
  static Optional<Status> fetch(NodeAddress node) {
    try (HttpConnection c = new HttpConnection(URI.create(node.httpUrl()), STATUS_TIMEOUT_MILLIS)) {
      HttpConnection.Response r = c.get("/status");
      if (r.status() == 200) {
        return Optional.of(status(Json.MAPPER.readTree(r.body())));
      }
    } catch (IOException | RuntimeException e) {
      // falls through to "no answer"
    }
    return Optional.empty();
  }

  /** The larger of two optional figures. */
  static Double max(Double a, Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
  }
}
