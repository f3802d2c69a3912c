package io.pygmy.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.Json;
import org.junit.jupiter.api.Test;

class ReplicaStatusTest {
  @Test
  void theJsonNamesTheLeaderAndRoundTrips() {
    ReplicaStatus status = new ReplicaStatus("FOLLOWER", 4, "catalog-2", 120, 118, false);

    JsonNode json = Json.MAPPER.valueToTree(status);

    assertThat(json.path("leader").asText()).isEqualTo("catalog-2");
    assertThat(Json.read(Json.bytes(status), ReplicaStatus.class)).isEqualTo(status);
  }

  @Test
  void onlyTheLeaderRoleLeads() {
    assertThat(new ReplicaStatus("LEADER", 4, "catalog-1", 1, 1, true).leads()).isTrue();
    assertThat(new ReplicaStatus("CANDIDATE", 5, null, 1, 1, false).leads()).isFalse();
  }
}
