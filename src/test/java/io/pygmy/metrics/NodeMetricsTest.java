package io.pygmy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.raft.ReplicaStatus;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  private final NodeMetrics metrics = NodeMetrics.forTest("catalog", "catalog-2", () -> 0L);

  @Test
  void requestsAreCountedPerRouteWithAHistogram() {
    metrics.recordRequest("GET", "/books/{id}", 200, 3_000_000);
    metrics.recordRequest("GET", "/books/{id}", 200, 40_000_000);
    metrics.recordRequest("GET", "/books/{id}", 404, 1_000_000);
    String text = metrics.scrape();
    assertThat(text).contains("pygmy_http_requests_seconds_count{method=\"GET\",node=\"catalog-2\","
        + "route=\"/books/{id}\",status=\"200\",tier=\"catalog\"} 2");
    assertThat(text).contains("pygmy_http_requests_seconds_bucket{method=\"GET\",node=\"catalog-2\","
        + "route=\"/books/{id}\",status=\"200\",tier=\"catalog\",le=\"0.005\"} 1");
    assertThat(text).contains("pygmy_http_requests_seconds_bucket{method=\"GET\",node=\"catalog-2\","
        + "route=\"/books/{id}\",status=\"200\",tier=\"catalog\",le=\"0.05\"} 2");
    assertThat(text).contains("status=\"404\"");
    assertThat(metrics.recentTraffic()).singleElement()
        .satisfies(s -> assertThat(s.route()).isEqualTo("GET /books/{id}"))
        .satisfies(s -> assertThat(s.requests()).isEqualTo(3));
  }

  @Test
  void raftGaugesFollowTheReplica() {
    AtomicReference<ReplicaStatus> status = new AtomicReference<>(
        new ReplicaStatus("FOLLOWER", 3, "catalog-1", 120, 118, false));
    metrics.bindRaft(status::get);
    String text = metrics.scrape();
    assertThat(text).contains("pygmy_raft_term{node=\"catalog-2\",tier=\"catalog\"} 3.0");
    assertThat(text).contains("pygmy_raft_commit_index{node=\"catalog-2\",tier=\"catalog\"} 120.0");
    assertThat(text).contains("pygmy_raft_applied_index{node=\"catalog-2\",tier=\"catalog\"} 118.0");
    assertThat(text).contains("pygmy_raft_role{node=\"catalog-2\",role=\"follower\",tier=\"catalog\"} 1.0");
    assertThat(text).contains("pygmy_raft_role{node=\"catalog-2\",role=\"leader\",tier=\"catalog\"} 0.0");
    assertThat(text).contains("pygmy_raft_leader_known{node=\"catalog-2\",tier=\"catalog\"} 1.0");

    status.set(new ReplicaStatus("LEADER", 4, "catalog-2", 130, 130, true));
    text = metrics.scrape();
    assertThat(text).contains("pygmy_raft_term{node=\"catalog-2\",tier=\"catalog\"} 4.0");
    assertThat(text).contains("pygmy_raft_role{node=\"catalog-2\",role=\"leader\",tier=\"catalog\"} 1.0");
    assertThat(text).contains("pygmy_raft_role{node=\"catalog-2\",role=\"follower\",tier=\"catalog\"} 0.0");
  }

  @Test
  void cacheFiguresComeFromItsStats() {
    Map<String, Object> stats = Map.of("enabled", true, "entries", 7L, "hits", 30L, "misses", 10L,
        "hitRatio", 0.75, "invalidations", 4L, "flushes", 1L, "refusedFills", 0L);
    metrics.bindCache(() -> stats);
    String text = metrics.scrape();
    assertThat(text).contains("pygmy_cache_entries{node=\"catalog-2\",tier=\"catalog\"} 7.0");
    assertThat(text).contains("pygmy_cache_hit_ratio{node=\"catalog-2\",tier=\"catalog\"} 0.75");
    assertThat(text).contains("pygmy_cache_hits_total{node=\"catalog-2\",tier=\"catalog\"} 30.0");
    assertThat(text).contains("pygmy_cache_invalidations_total{node=\"catalog-2\",tier=\"catalog\"} 4.0");
    assertThat(text).contains("pygmy_cache_refused_fills_total{node=\"catalog-2\",tier=\"catalog\"} 0.0");
  }

  @Test
  void buysAreCountedByOutcome() {
    metrics.countBuy("confirmed");
    metrics.countBuy("confirmed");
    metrics.countBuy("rejected");
    assertThat(metrics.buys("confirmed")).isEqualTo(2);
    assertThat(metrics.buys("failed")).isZero();
    assertThat(metrics.scrape())
        .contains("pygmy_buys_total{node=\"catalog-2\",outcome=\"confirmed\",tier=\"catalog\"} 2.0")
        .contains("pygmy_buys_total{node=\"catalog-2\",outcome=\"rejected\",tier=\"catalog\"} 1.0");
  }

  @Test
  void aNodeHasJvmBasics() {
    try (NodeMetrics node = NodeMetrics.forNode("order", "order-1")) {
      assertThat(node.scrape()).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads")
          .contains("process_uptime_seconds").contains("jvm_gc_");
    }
  }
}
