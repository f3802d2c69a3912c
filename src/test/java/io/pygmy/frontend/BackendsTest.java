package io.pygmy.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover between replicas of a tier, against real HTTP servers on loopback. */
class BackendsTest {
  private static final int QUORUM_WAIT_MILLIS = 400;
  private final Settings settings = Settings.defaults()
      .with("raftWriteTimeoutMillis", QUORUM_WAIT_MILLIS)
      .with("retryBackoffMillis", 1);
  private final List<Javalin> servers = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void stop() {
    servers.forEach(Javalin::stop);
  }

  /** A replica that answers every POST with 503 after {@code delayMillis} (how long it waited for its group). */
  private NodeAddress replica(String name, long delayMillis) {
    Javalin app = Javalin.create().post("/orders", ctx -> {
      calls.incrementAndGet();
      Thread.sleep(delayMillis); // the replica's own wait for a quorum, not test synchronisation
      ctx.status(503).result("{\"error\":{\"code\":\"unavailable\",\"message\":\"no quorum\"}}");
    }).start("127.0.0.1", 0);
    servers.add(app);
    return new NodeAddress(name, Service.ORDER, "127.0.0.1", app.port(), 1);
  }

  private Backends backends() {
    return new Backends(new HttpTransport(Duration.ofSeconds(1)), settings);
  }

  @Test
  void aQuick503IsRetriedOnTheOtherReplicas() {
    ReplicaPool pool = new ReplicaPool(List.of(replica("order-1", 0), replica("order-2", 0), replica("order-3", 0)));

    HttpConnection.Response r = backends().post(pool, "/orders", "{}".getBytes(), 3, "req-1");

    assertThat(r.status()).isEqualTo(503);
    assertThat(calls).hasValue(3);
  }

  @Test
  void a503AfterTheWholeQuorumWaitIsAnsweredAtOnce() {
    ReplicaPool pool = new ReplicaPool(List.of(replica("order-1", QUORUM_WAIT_MILLIS + 50),
        replica("order-2", QUORUM_WAIT_MILLIS + 50), replica("order-3", QUORUM_WAIT_MILLIS + 50)));

    HttpConnection.Response r = backends().post(pool, "/orders", "{}".getBytes(), 3, "req-2");

    assertThat(r.status()).isEqualTo(503);
    assertThat(calls).as("the group has no quorum: asking another replica of it cannot help").hasValue(1);
  }
}
