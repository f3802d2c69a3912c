package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.storage.StoreDirectory.Recovery;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The swap, and recovery from each state a crash can leave it in (built by hand, as the crash would). */
class StoreDirectoryTest {
  @TempDir
  Path parent;

  Path live;

  @BeforeEach
  void names() {
    live = parent.resolve("kv");
  }

  /** A directory standing for a store: one file naming which store it is. */
  Path store(String name, String id) throws IOException {
    Path dir = parent.resolve(name);
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("ID"), id);
    Files.writeString(dir.resolve("sub/data"), id + " data");
    return dir;
  }

  String id(Path dir) throws IOException {
    return Files.readString(dir.resolve("ID"));
  }

  String[] entries() throws IOException {
    try (Stream<Path> s = Files.list(parent)) {
      return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void installSwapsTheIncomingCheckpointIn() throws IOException {
    store("kv", "old");
    store("kv.incoming", "new");
    StoreDirectory.install(live, StoreDirectory.incomingOf(live));
    assertThat(id(live)).isEqualTo("new");
    assertThat(entries()).containsExactly("kv");
  }

  @Test
  void installOnANodeWithoutAStoreYet() throws IOException {
    store("kv.incoming", "new");
    StoreDirectory.install(live, StoreDirectory.incomingOf(live));
    assertThat(id(live)).isEqualTo("new");
    assertThat(entries()).containsExactly("kv");
  }

  @Test
  void installFromAnotherNameInTheSameFileSystem() throws IOException {
    store("kv", "old");
    Path download = store("download", "new");
    StoreDirectory.install(live, download);
    assertThat(id(live)).isEqualTo("new");
    assertThat(entries()).containsExactly("kv");
  }

  @Test
  void installWithoutACheckpointChangesNothing() throws IOException {
    store("kv", "old");
    assertThatThrownBy(() -> StoreDirectory.install(live, parent.resolve("missing")))
        .isInstanceOf(StorageException.class);
    assertThat(id(live)).isEqualTo("old");
  }

  @Test
  void recoverLeavesASteadyStoreAlone() throws IOException {
    store("kv", "live");
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.CLEAN);
    assertThat(StoreDirectory.recover(parent.resolve("never-created"))).isEqualTo(Recovery.CLEAN);
    assertThat(id(live)).isEqualTo("live");
  }

  @Test
  void crashBeforeTheSwap_theIncomingIsDropped() throws IOException {
    store("kv", "live");
    store("kv.incoming", "new");
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.DISCARDED_INCOMING);
    assertThat(id(live)).isEqualTo("live");
    assertThat(entries()).containsExactly("kv");
  }

  @Test
  void crashBetweenTheRenames_theOldStoreIsRestored() throws IOException {
    store("kv.old", "old");
    store("kv.incoming", "new");
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.ROLLED_BACK);
    assertThat(id(live)).isEqualTo("old");
    assertThat(entries()).containsExactly("kv");
  }

  @Test
  void onlyTheOldStoreLeft_itIsRestored() throws IOException {
    store("kv.old", "old");
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.ROLLED_BACK);
    assertThat(id(live)).isEqualTo("old");
  }

  @Test
  void crashAfterTheSwap_theOldStoreIsDeleted() throws IOException {
    store("kv", "new");
    store("kv.old", "old");
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.FINISHED_SWAP);
    assertThat(id(live)).isEqualTo("new");
    assertThat(entries()).containsExactly("kv");
  }

  @Test
  void crashDuringTheFirstInstall_theNodeStartsEmpty() throws IOException {
    store("kv.incoming", "new");
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.DISCARDED_INCOMING);
    assertThat(entries()).isEmpty();
  }

  @Test
  void halfWrittenDirectoriesAreSweptAndOthersLeftAlone() throws IOException {
    store("kv", "live");
    store("kv.incoming.part", "half a download");
    store("kv.old.trash", "half deleted");
    store("kv.tmp", "a checkpoint staging dir");
    store("raft", "not ours");
    store("other.tmp", "not ours either");
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.CLEAN);
    assertThat(entries()).containsExactly("kv", "other.tmp", "raft");
  }

  @Test
  void removeUnfinishedSweepsACheckpointDirectory() throws IOException {
    Path checkpoints = parent.resolve("checkpoints");
    Files.createDirectories(checkpoints);
    Files.createDirectories(checkpoints.resolve("cp-1"));
    Files.createDirectories(checkpoints.resolve("cp-2.tmp"));
    Files.createDirectories(checkpoints.resolve("cp-3.part"));
    assertThat(StoreDirectory.removeUnfinished(checkpoints)).hasSize(2);
    try (Stream<Path> s = Files.list(checkpoints)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("cp-1");
    }
  }

  @Test
  void aCheckpointSentByAPeerReplacesTheLiveStore() throws IOException {
    byte[] key = "book:1".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    try (RocksStore leader = RocksStore.open(parent.resolve("leader"), RocksStore.Limits.defaults())) {
      StagedWrites w = leader.stage();
      w.put(key, "leader's".getBytes(StandardCharsets.UTF_8));
      leader.commit(w);
      leader.checkpoint(parent.resolve("leader-cp"));
      CheckpointArchive.write(parent.resolve("leader-cp"), wire);
    }
    RocksStore follower = RocksStore.open(live, RocksStore.Limits.defaults());
    StagedWrites w = follower.stage();
    w.put(key, "stale".getBytes(StandardCharsets.UTF_8));
    follower.commit(w);
    CheckpointArchive.read(new ByteArrayInputStream(wire.toByteArray()), StoreDirectory.incomingOf(live));
    follower.close();
    StoreDirectory.install(live, StoreDirectory.incomingOf(live));
    assertThat(StoreDirectory.recover(live)).isEqualTo(Recovery.CLEAN);
    try (RocksStore reopened = RocksStore.open(live, RocksStore.Limits.defaults())) {
      assertThat(reopened.latest().get(key)).isEqualTo("leader's".getBytes(StandardCharsets.UTF_8));
    }
  }
}
