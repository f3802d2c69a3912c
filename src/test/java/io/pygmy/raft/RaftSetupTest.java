package io.pygmy.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.config.Settings;
import java.nio.file.Path;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftSetupTest {
  private static RaftProperties server(Settings s) {
    return RaftSetup.serverProperties(s, Path.of("unused"), "127.0.0.1", 1);
  }

  @Test
  void aLaggingFollowerGetsItsBacklogInBoundedAppends() {
    Settings s = Settings.defaults().with("raftAppendEntriesMax", 64);
    assertThat(RaftServerConfigKeys.Log.Appender.bufferElementLimit(server(s))).isEqualTo(64);
    assertThat(RaftServerConfigKeys.Log.Appender.bufferElementLimit(server(Settings.defaults()))).isEqualTo(1024);
  }

  @Test
  void aFollowerThatWasDownIsRetriedAtLeastTwiceASecond() {
    String policy = RaftServerConfigKeys.Log.Appender.retryPolicy(server(Settings.defaults()));
    // Pairs of (sleep, attempts); Ratis' default ends in 5 s sleeps.
    String[] parts = policy.split(",");
    assertThat(parts.length % 2).isZero();
    for (int i = 0; i < parts.length; i += 2) {
      String sleep = parts[i].trim();
      assertThat(sleep).matches("\\d+ms");
      assertThat(Integer.parseInt(sleep.replace("ms", ""))).isLessThanOrEqualTo(500);
    }
  }

  @Test
  void everyAcknowledgedEntryIsFsyncedAndSnapshotsFollowTheSetting() {
    RaftProperties p = server(Settings.defaults().with("snapshotEveryEntries", 500));
    assertThat(RaftServerConfigKeys.Log.unsafeFlushEnabled(p)).isFalse();
    assertThat(RaftServerConfigKeys.Snapshot.autoTriggerThreshold(p)).isEqualTo(500);
  }
}
