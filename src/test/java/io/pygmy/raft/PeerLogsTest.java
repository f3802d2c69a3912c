package io.pygmy.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.HttpServers;
import io.pygmy.http.HttpTransport;
import io.pygmy.metrics.NodeMetrics;
import io.pygmy.testing.Ports;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A peer's log position over real HTTP on loopback: answered, refused, or not a member. */
class PeerLogsTest {
  private final NodeMetrics metrics = NodeMetrics.forNode("catalog", "catalog-2");
  private final Javalin peer = HttpServers.create(metrics, Settings.defaults(), c -> { });
  private final HttpTransport transport = new HttpTransport(Duration.ofSeconds(1));

  @AfterEach
  void stop() {
    peer.stop();
    metrics.close();
    transport.close();
  }

  @Test
  void asksThePeerWhereItsLogEnds() throws java.io.IOException {
    peer.get("/internal/raft/log", ctx -> ctx.json(new LogPosition(3, 40)));
    peer.start("127.0.0.1", 0);
    PeerLogs logs = new PeerLogs(List.of(
        new NodeAddress("catalog-2", Service.CATALOG, "127.0.0.1", peer.port(), Ports.closedPort()),
        new NodeAddress("catalog-3", Service.CATALOG, "127.0.0.1", Ports.closedPort(), Ports.closedPort())),
        transport, Duration.ofSeconds(1));
    assertThat(logs.of("catalog-2")).contains(new LogPosition(3, 40));
    assertThat(logs.of("catalog-3")).as("refused").isEmpty();
    assertThat(logs.of("catalog-9")).as("not a member").isEmpty();
  }
}
