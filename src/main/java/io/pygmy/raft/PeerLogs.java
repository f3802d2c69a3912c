package io.pygmy.raft;

import io.pygmy.config.NodeAddress;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Asks a peer of the group where its log ends ({@code GET /internal/raft/log} on its HTTP port), so that
 * the follower with the longest log is the one that starts an early election ({@link LeaderWatch}).
 */
public final class PeerLogs {
  private final Map<String, NodeAddress> members;
  private final HttpTransport transport;
  private final Duration timeout;

  public PeerLogs(List<NodeAddress> members, HttpTransport transport, Duration timeout) {
    this.members = members.stream().collect(Collectors.toUnmodifiableMap(NodeAddress::name, Function.identity()));
    this.transport = transport;
    this.timeout = timeout;
  }

  /** Where {@code peer}'s log ends, or empty when it does not answer in time. */
  public Optional<LogPosition> of(String peer) {
    NodeAddress node = members.get(peer);
    if (node == null) {
      return Optional.empty();
    }
    try {
      HttpConnection.Response r = transport.get(node.httpUrl() + "/internal/raft/log", timeout, null);
      return r.status() == 200 ? Optional.of(Json.read(r.body(), LogPosition.class)) : Optional.empty();
    } catch (HttpTransport.TransportException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
