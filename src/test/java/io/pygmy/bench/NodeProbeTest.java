package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.http.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeProbeTest {
  private static final String PROC_STATUS = """
      Name:\tjava
      Umask:\t0022
      State:\tS (sleeping)
      Pid:\t4242
      VmPeak:\t 4710204 kB
      VmHWM:\t  400000 kB
      VmRSS:\t  312456 kB
      RssAnon:\t  290000 kB
      Threads:\t41
      """;

  @Test
  void residentMemoryIsVmRssInBytes() {
    assertThat(NodeProbe.rssBytes(PROC_STATUS)).contains(312_456L * 1024);
  }

  @Test
  void aProcessWithoutVmRssHasNoFigure() {
    assertThat(NodeProbe.rssBytes("Name:\tkthreadd\nState:\tS (sleeping)\n")).isEmpty();
    assertThat(NodeProbe.rssBytes("VmRSSx:\t12 kB\n")).isEmpty();
  }

  @Test
  void thisProcessHasResidentMemoryAndAGoneOneHasNone() {
    assertThat(NodeProbe.rssOf(ProcessHandle.current().pid())).hasValueSatisfying(b -> assertThat(b).isPositive());
    assertThat(NodeProbe.rssOf(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void diskIsEveryRegularFileUnderTheDirectory(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("a"), new byte[1000]);
    Files.createDirectories(dir.resolve("raft/group/current"));
    Files.write(dir.resolve("raft/group/current/log_0-99"), new byte[4096]);
    Files.write(dir.resolve("raft/group/current/empty"), new byte[0]);
    assertThat(NodeProbe.diskBytes(dir)).isEqualTo(5096L);
    assertThat(NodeProbe.diskBytes(dir.resolve("missing"))).isNull();
  }

  @Test
  void statusGivesRoleIndexesAndTheStorageFiguresWhenTheyAreNumbers() throws Exception {
    NodeProbe.Status s = NodeProbe.status(Json.MAPPER.readTree("""
        {"name":"catalog-2","service":"catalog","pid":1,
         "raft":{"role":"FOLLOWER","term":3,"leader":"catalog-1","commitIndex":900,"appliedIndex":880},
         "details":{"seeded":true,"applyStallMaxMillis":12.5,"snapshotMaxMillis":340}}"""));
    assertThat(s.role()).isEqualTo("FOLLOWER");
    assertThat(s.leads()).isFalse();
    assertThat(s.commitIndex()).isEqualTo(900);
    assertThat(s.appliedIndex()).isEqualTo(880);
    assertThat(s.applyStallMaxMillis()).isEqualTo(12.5);
    assertThat(s.snapshotMaxMillis()).isEqualTo(340.0);
  }

  @Test
  void absentOrNonNumericStorageFiguresAreUnknown() throws Exception {
    NodeProbe.Status s = NodeProbe.status(Json.MAPPER.readTree("""
        {"raft":{"role":"LEADER","commitIndex":5,"appliedIndex":5},"details":{"applyStallMaxMillis":"12"}}"""));
    assertThat(s.leads()).isTrue();
    assertThat(s.applyStallMaxMillis()).isNull();
    assertThat(s.snapshotMaxMillis()).isNull();
    NodeProbe.Status frontend = NodeProbe.status(Json.MAPPER.readTree("{\"name\":\"frontend-1\",\"details\":{}}"));
    assertThat(frontend.role()).isNull();
    assertThat(frontend.appliedIndex()).isEqualTo(-1);
  }

  @Test
  void maxOfUnknownsIsTheKnownOne() {
    assertThat(NodeProbe.max(null, null)).isNull();
    assertThat(NodeProbe.max(null, 3.0)).isEqualTo(3.0);
    assertThat(NodeProbe.max(4.0, 3.0)).isEqualTo(4.0);
  }
}
