package io.pygmy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.http.Json;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  static final NodeAddress CATALOG_1 = new NodeAddress("catalog-1", Service.CATALOG, "127.0.0.1", 9101, 9201);
  static final NodeAddress CATALOG_2 = new NodeAddress("catalog-2", Service.CATALOG, "127.0.0.1", 9102, 9202);
  static final NodeAddress ORDER_1 = new NodeAddress("order-1", Service.ORDER, "127.0.0.1", 9301, 9401);
  static final NodeAddress FRONTEND = new NodeAddress("frontend-1", Service.FRONTEND, "127.0.0.1", 8080, 0);

  static JsonNode replica(String name, long pid, String role, long term, String leader) throws IOException {
    String leaderField = leader == null ? "" : ",\"leader\":\"" + leader + "\"";
    return Json.MAPPER.readTree("{\"name\":\"" + name + "\",\"pid\":" + pid + ",\"uptimeMillis\":125000,"
        + "\"raft\":{\"role\":\"" + role + "\",\"term\":" + term + leaderField
        + ",\"commitIndex\":42,\"appliedIndex\":41,\"leaderReady\":true}}");
  }

  @Test
  void aLeaderOrFollowerThatAnswersIsHealthy() throws IOException {
    StatusReport.Row leader = StatusReport.row(CATALOG_1, Optional.of(10L), replica("catalog-1", 10, "LEADER", 3, "catalog-1"));
    assertThat(leader).isEqualTo(new StatusReport.Row("catalog-1", "catalog", "10", "LEADER", 3L, "catalog-1", 42L, 41L,
        true, "2m5s", null));
    StatusReport.Row follower = StatusReport.row(CATALOG_2, Optional.of(11L), replica("catalog-2", 11, "FOLLOWER", 3, null));
    assertThat(follower.healthy()).isTrue();
    assertThat(follower.leader()).isNull();
  }

  @Test
  void aCandidateIsNotHealthy() throws IOException {
    StatusReport.Row row = StatusReport.row(ORDER_1, Optional.of(12L), replica("order-1", 12, "CANDIDATE", 7, null));
    assertThat(row.healthy()).isFalse();
    assertThat(row.role()).isEqualTo("CANDIDATE");
  }

  @Test
  void aNodeWithoutProcessOrAnswerIsDown() {
    StatusReport.Row row = StatusReport.row(CATALOG_1, Optional.empty(), null);
    assertThat(row.role()).isEqualTo("DOWN");
    assertThat(row.pid()).isNull();
    assertThat(row.healthy()).isFalse();
  }

  @Test
  void aLiveProcessThatDoesNotAnswerIsSaidSo() {
    StatusReport.Row row = StatusReport.row(CATALOG_1, Optional.of(77L), null);
    assertThat(row.role()).isEqualTo("NO ANSWER");
    assertThat(row.pid()).isEqualTo("77");
    assertThat(row.healthy()).isFalse();
    assertThat(row.note()).contains("paused");
  }

  @Test
  void anAnswerFromAProcessThisDirectoryDidNotStartIsFlagged() throws IOException {
    StatusReport.Row stranger = StatusReport.row(CATALOG_1, Optional.empty(), replica("catalog-1", 99, "FOLLOWER", 1, null));
    assertThat(stranger.pid()).isEqualTo("99");
    assertThat(stranger.note()).contains("not started from this data directory");
    StatusReport.Row impostor = StatusReport.row(CATALOG_1, Optional.of(10L), replica("catalog-1", 99, "FOLLOWER", 1, null));
    assertThat(impostor.pid()).isEqualTo("10");
    assertThat(impostor.note()).contains("pid 99");
  }

  @Test
  void aFrontendThatAnswersIsHealthyAndHasNoRaftColumns() throws IOException {
    JsonNode status = Json.MAPPER.readTree("{\"name\":\"frontend-1\",\"pid\":5,\"uptimeMillis\":3000,\"details\":{}}");
    StatusReport.Row row = StatusReport.row(FRONTEND, Optional.of(5L), status);
    assertThat(row).isEqualTo(new StatusReport.Row("frontend-1", "frontend", "5", "FRONTEND", null, null, null, null,
        true, "3s", null));
  }

  @Test
  void summarisesEachGroupsLeaderAndHealthyReplicas() throws IOException {
    List<StatusReport.Row> rows = List.of(
        StatusReport.row(CATALOG_1, Optional.of(1L), replica("catalog-1", 1, "LEADER", 2, null)),
        StatusReport.row(CATALOG_2, Optional.empty(), null),
        StatusReport.row(ORDER_1, Optional.of(3L), replica("order-1", 3, "CANDIDATE", 5, null)));
    assertThat(StatusReport.leaders(rows)).containsExactly(
        "catalog: leader catalog-1 (term 2), 1/2 replicas healthy",
        "order: NO LEADER, 0/1 replicas healthy");
    assertThat(StatusReport.table(rows).lines().toList()).hasSize(4).first().asString().startsWith("NODE");
  }

  @Test
  void uptimeReadsAtAGlance() {
    assertThat(StatusReport.formatUptime(59_999)).isEqualTo("59s");
    assertThat(StatusReport.formatUptime(60_000)).isEqualTo("1m");
    assertThat(StatusReport.formatUptime(61_000)).isEqualTo("1m1s");
    assertThat(StatusReport.formatUptime(3_600_000)).isEqualTo("1h");
    assertThat(StatusReport.formatUptime(3_660_000)).isEqualTo("1h1m");
    assertThat(StatusReport.formatUptime(-5)).isEqualTo("0s");
  }
}
