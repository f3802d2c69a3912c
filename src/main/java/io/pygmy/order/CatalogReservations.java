package io.pygmy.order;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.catalog.CatalogCommand;
import io.pygmy.catalog.CatalogReply;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import io.pygmy.raft.RaftCalls;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one entry of reservations to the catalog group and returns the catalog's reply.
 *
 * <p>The fast way is HTTP to the catalog leader, which appends the entry through its own Raft server
 * ({@code POST /internal/reserve}): a Raft client call (gRPC to the leader and the reply back) cost
 * about 3 ms more per entry on this box (docs/PERFORMANCE.md). The way that always works is the Raft
 * client, which finds the leader itself and rides out elections; it is used when no replica is known to
 * lead and whenever the HTTP attempt gives no answer (refused, reset, or no reply within {@link #httpTimeout}).
 * A command can therefore reach the log twice; the catalog answers a reservation's key a second time
 * with its first outcome, so that is safe.
 *
 * <p>Every answer names the catalog's current leader, so a replica that was asked and is not the
 * leader (it forwards through its own client) redirects the next entries. A replica that has not
 * reserved anything lately (an order follower, which coordinates buys only when the order leader is
 * gone) knows no leader of its own; it takes the frontend's, which every buy carries ({@link #hint}).
 * Otherwise its first reservation would go to a guessed catalog replica and be forwarded through that
 * replica's Raft client, cold, at the worst moment.
 */
final class CatalogReservations {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogReservations.class);

  /** The body of a {@code POST /internal/reserve} answer. */
  public record Answer(CatalogReply reply, String leader) {}

  private final RaftClient client;
  private final HttpTransport transport;
  private final Map<String, NodeAddress> replicas;
  private final Duration writeDeadline;
  private final Duration httpTimeout;
  private volatile NodeAddress leader;
  /** When an answer last named {@link #leader}; 0 when it is only a guess or a hint. */
  private volatile long leaderConfirmedAtNanos;
  /** How long a leader named by an answer is trusted over a hint: a frontend learns leaders once a second. */
  static final long OWN_LEADER_TRUSTED_NANOS = 1_000_000_000L;

  /**
   * @param replicas the catalog group's nodes
   * @param client the Raft client to the catalog group: the fallback
   */
  CatalogReservations(Settings settings, List<NodeAddress> replicas, RaftClient client, HttpTransport transport) {
    this.client = client;
    this.transport = transport;
    this.replicas = replicas.stream().collect(Collectors.toUnmodifiableMap(NodeAddress::name, Function.identity()));
    this.writeDeadline = Duration.ofMillis(settings.raftWriteTimeoutMillis());
    // A quarter of the write timeout (1 s by default): far above a reservation's usual time, and short
    // enough that a paused or partitioned leader delays the fallback by little more than an election.
    this.httpTimeout = Duration.ofMillis(Math.max(100, settings.raftWriteTimeoutMillis() / 4));
    // A first guess: a replica that does not lead forwards the entry and names the one that does.
    this.leader = replicas.isEmpty() ? null : replicas.get(0);
  }

  /** The catalog's reply to {@code command}, or {@link ApiException} (UNAVAILABLE: the outcome is unknown). */
  CatalogReply reserve(CatalogCommand.ReserveAll command, String what) {
    byte[] bytes = Json.bytes(command);
    NodeAddress target = leader;
    if (target != null) {
      try {
        HttpConnection.Response r = transport.post(target.httpUrl() + "/internal/reserve", bytes, httpTimeout, null);
        if (r.status() == 200) {
          Answer answer = Json.read(r.body(), Answer.class);
          NodeAddress named = replicas.get(String.valueOf(answer.leader()));
          leader = named != null ? named : target;
          leaderConfirmedAtNanos = named != null ? System.nanoTime() : 0;
          return answer.reply();
        }
        // The replica answered with an error it named (no quorum within its own deadline, typically):
        // its attempt is spent, and a second one through the client would only double the wait.
        throw failure(target, r);
      } catch (HttpTransport.TransportException e) {
        LOG.debug("{} through {} gave no answer ({}); sending through the Raft client", what, target.name(),
            e.getMessage());
        leader = null;
      }
    }
    CatalogReply reply;
    try {
      reply = Json.read(RaftCalls.write(client, bytes, writeDeadline, what), CatalogReply.class);
    } catch (RaftCalls.RejectedException e) {
      reply = Json.read(e.reply(), CatalogReply.class);
    }
    RaftPeerId known = client.getLeaderId();
    if (known != null) {
      leader = replicas.get(known.toString());
      leaderConfirmedAtNanos = leader != null ? System.nanoTime() : 0;
    }
    return reply;
  }

  /**
   * A catalog leader named by the caller (the frontend, from its heartbeats), taken unless an answer named
   * a leader within the last second, which is fresher.
   */
  void hint(String catalogLeader, long nowNanos) {
    NodeAddress hinted = catalogLeader == null ? null : replicas.get(catalogLeader);
    if (takesHint(hinted != null, leaderConfirmedAtNanos, nowNanos)) {
      leader = hinted;
    }
  }

  /** Pure: a known hint wins over a leader no answer named within {@link #OWN_LEADER_TRUSTED_NANOS}. */
  static boolean takesHint(boolean hintKnown, long confirmedAtNanos, long nowNanos) {
    return hintKnown && (confirmedAtNanos == 0 || nowNanos - confirmedAtNanos > OWN_LEADER_TRUSTED_NANOS);
  }

  /** The replica currently believed to lead the catalog group, for status; null when unknown. */
  String leaderHint() {
    NodeAddress l = leader;
    return l == null ? null : l.name();
  }

  private static ApiException failure(NodeAddress target, HttpConnection.Response r) {
    ErrorCode code = ErrorCode.UNAVAILABLE;
    String message = target.name() + " answered " + r.status();
    try {
      JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
      if (error.has("code")) {
        code = ErrorCode.fromCode(error.path("code").asText());
      }
      message = message + ": " + error.path("message").asText();
    } catch (Exception e) {
      // Not our JSON error: keep the status alone.
    }
    return new ApiException(code, message);
  }
}
