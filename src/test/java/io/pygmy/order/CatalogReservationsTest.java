package io.pygmy.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.pygmy.catalog.CatalogCommand;
import io.pygmy.catalog.CatalogReply;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.HttpServers;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import io.pygmy.metrics.NodeMetrics;
import io.pygmy.raft.RaftSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.client.RaftClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How an order replica sends reservations: over HTTP to the catalog replica it believes leads, following
 * the leader each answer names, and through the Raft client only when the HTTP attempt gets no answer.
 * The catalog replicas here are real HTTP servers on loopback that answer like a catalog would; the
 * Raft group behind the client does not run, so reaching the fallback shows as its "no quorum" failure.
 */
class CatalogReservationsTest {
  static final CatalogCommand.ReserveAll ONE_BUY =
      new CatalogCommand.ReserveAll(List.of(new CatalogCommand.Reserve("k1", 1, 1, 0)));
  static final String OK_ANSWER_REPLY =
      "{\"outcome\":\"OK\",\"message\":\"1 reservations\",\"replayed\":false,"
          + "\"each\":[{\"outcome\":\"UNKNOWN_ITEM\",\"message\":\"no book\",\"replayed\":false}]}";

  final Settings settings = Settings.defaults().with("raftWriteTimeoutMillis", 400)
      .with("writeCallTimeoutMillis", 1000);
  final List<Javalin> servers = new ArrayList<>();
  final List<NodeMetrics> metrics = new ArrayList<>();
  final AtomicInteger[] calls = {new AtomicInteger(), new AtomicInteger()};
  List<NodeAddress> replicas;
  RaftClient client;
  HttpTransport transport;
  CatalogReservations reservations;

  @BeforeEach
  void start() throws IOException {
    replicas = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int n = i;
      NodeMetrics m = NodeMetrics.forNode("catalog", "catalog-" + (i + 1));
      metrics.add(m);
      Javalin app = HttpServers.create(m, settings, c -> { });
      app.post("/internal/reserve", ctx -> {
        calls[n].incrementAndGet();
        if (Json.MAPPER.readTree(ctx.body()).path("reserves").get(0).path("key").asText().equals("unavailable")) {
          throw ApiException.unavailable("catalog write failed: no quorum answered in time");
        }
        // catalog-1 does not lead and names catalog-2; catalog-2 leads.
        ctx.result("{\"reply\":" + OK_ANSWER_REPLY + ",\"leader\":\"catalog-2\"}").contentType("application/json");
      });
      app.start("127.0.0.1", 0);
      servers.add(app);
      replicas.add(new NodeAddress("catalog-" + (i + 1), Service.CATALOG, "127.0.0.1", app.port(), freePort()));
    }
    client = RaftSetup.newClient(RaftSetup.group(Service.CATALOG, replicas), settings);
    transport = new HttpTransport(Duration.ofSeconds(1));
    reservations = new CatalogReservations(settings, replicas, client, transport);
  }

  @AfterEach
  void stop() throws Exception {
    servers.forEach(Javalin::stop);
    metrics.forEach(NodeMetrics::close);
    transport.close();
    client.close();
  }

  @Test
  void theFirstEntryGoesToTheFirstReplicaAndTheNextToTheLeaderItNamed() {
    CatalogReply reply = reservations.reserve(ONE_BUY, "reserve k1");
    assertThat(reply.ok()).isTrue();
    assertThat(reply.each()).hasSize(1);
    assertThat(calls[0]).hasValue(1);
    assertThat(reservations.leaderHint()).isEqualTo("catalog-2");

    reservations.reserve(ONE_BUY, "reserve k1");
    reservations.reserve(ONE_BUY, "reserve k1");
    assertThat(calls[0]).hasValue(1);
    assertThat(calls[1]).hasValue(2);
  }

  @Test
  void aReplicaThatKnowsNoLeaderTakesTheFrontendsHintForItsFirstEntry() {
    reservations.hint("catalog-2", System.nanoTime());
    reservations.reserve(ONE_BUY, "reserve k1");
    assertThat(calls[0]).as("no entry to the guessed replica").hasValue(0);
    assertThat(calls[1]).hasValue(1);
  }

  @Test
  void aLeaderAnAnswerNamedJustNowWinsOverAHint() {
    reservations.reserve(ONE_BUY, "reserve k1"); // catalog-1 answers and names catalog-2
    reservations.hint("catalog-1", System.nanoTime());
    reservations.hint("catalog-9", System.nanoTime());
    reservations.hint(null, System.nanoTime());
    assertThat(reservations.leaderHint()).isEqualTo("catalog-2");
    reservations.hint("catalog-1", System.nanoTime() + 2 * CatalogReservations.OWN_LEADER_TRUSTED_NANOS);
    assertThat(reservations.leaderHint()).as("after a second without an answer").isEqualTo("catalog-1");
  }

  @Test
  void whenAHintIsTaken() {
    long second = CatalogReservations.OWN_LEADER_TRUSTED_NANOS;
    assertThat(CatalogReservations.takesHint(false, 0, 5 * second)).as("unknown replica").isFalse();
    assertThat(CatalogReservations.takesHint(true, 0, 5 * second)).as("own leader only guessed").isTrue();
    assertThat(CatalogReservations.takesHint(true, 4 * second, 5 * second)).as("confirmed 1 s ago").isFalse();
    assertThat(CatalogReservations.takesHint(true, 4 * second - 1, 5 * second)).as("just over 1 s ago").isTrue();
  }

  /** The replica spent its own deadline; asking again through the client would only double the wait. */
  @Test
  void anErrorTheReplicaNamesIsTheAnswerWithoutAFallback() {
    var unavailable = new CatalogCommand.ReserveAll(List.of(new CatalogCommand.Reserve("unavailable", 1, 1, 0)));
    assertThatThrownBy(() -> reservations.reserve(unavailable, "reserve unavailable"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("catalog-1 answered 503");
    assertThat(reservations.leaderHint()).as("an answer keeps the replica").isEqualTo("catalog-1");
  }

  @Test
  void noAnswerFallsBackToTheRaftClientAndForgetsTheReplica() {
    servers.get(0).stop(); // catalog-1 refuses connections now
    assertThatThrownBy(() -> reservations.reserve(ONE_BUY, "reserve k1"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("no quorum answered in time");
    assertThat(calls[1]).as("the fallback is the Raft client, not another replica's HTTP").hasValue(0);
    assertThat(reservations.leaderHint()).isNull();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
