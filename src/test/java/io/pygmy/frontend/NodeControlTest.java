package io.pygmy.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.ClusterConfig;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeControlTest {
  private final ClusterConfig config = LocalCluster.localConfig(3, 3, 1, Settings.defaults());

  @AfterEach
  void clear() {
    System.clearProperty(LocalCluster.NODE_CONTROL_PROPERTY);
  }

  @Test
  void outsideALocalClusterThereIsNoNodeControl() {
    System.clearProperty(LocalCluster.NODE_CONTROL_PROPERTY);
    assertThat(NodeControl.fromSystemProperties(config)).isEmpty();
  }

  @Test
  void aDirectoryThatDoesNotExistOffersNoControl(@TempDir Path dir) {
    System.setProperty(LocalCluster.NODE_CONTROL_PROPERTY, dir.resolve("missing").toString());
    assertThat(NodeControl.fromSystemProperties(config)).isEmpty();
  }

  @Test
  void inALocalClusterOnlyReplicasCanBeActedOn(@TempDir Path dir) {
    System.setProperty(LocalCluster.NODE_CONTROL_PROPERTY, dir.toString());
    NodeControl control = NodeControl.fromSystemProperties(config).orElseThrow();
    assertThat(control.dataDir()).isEqualTo(dir.toAbsolutePath());
    assertThat(control.kill("catalog-2")).containsEntry("outcome", "not running").doesNotContainKey("pid");
    assertThatThrownBy(() -> control.kill("frontend-1")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    assertThatThrownBy(() -> control.start("nobody")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }
}
