package io.pygmy.raft;

import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.StagedWrites;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade from the release that kept state in heap and wrote it as JSON snapshots
 * ({@code sm/snapshot.<term>_<index>}): on the first start, the latest snapshot is checked (MD5) and loaded
 * into the empty store, which then records that snapshot's index, and Ratis replays the log after it as
 * usual. The JSON files are kept in {@code sm/legacy-json/} for a rollback and may be deleted once the
 * upgrade is trusted. A crash during the upgrade leaves a store without an applied index: the next start
 * clears it and imports again.
 */
final class LegacyUpgrade {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyUpgrade.class);

  @FunctionalInterface
  interface Importer {
    void importLegacySnapshot(InputStream json, KeyValueStore store) throws IOException;
  }

  private final SimpleStateMachineStorage legacy;
  private final Path smDir;

  LegacyUpgrade(SimpleStateMachineStorage legacy, Path smDir) {
    this.legacy = legacy;
    this.smDir = smDir;
  }

  void runIfNeeded(KeyValueStore store, Importer importer, Consumer<TermIndex> markApplied) throws IOException {
    SingleFileSnapshotInfo snapshot = legacy.loadLatestSnapshot();
    if (StoreStateMachine.appliedIn(store.latest()) != null) {
      if (snapshot != null) {
        moveAside(); // the import finished; a crash came before the JSON files were moved
      }
      return;
    }
    if (snapshot == null) {
      return;
    }
    long started = System.nanoTime();
    clear(store);
    Path file = snapshot.getFile().getPath();
    if (snapshot.getFile().getFileDigest() != null) {
      MD5FileUtil.verifySavedMD5(file.toFile(), snapshot.getFile().getFileDigest());
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      importer.importLegacySnapshot(in, store);
    }
    markApplied.accept(snapshot.getTermIndex());
    store.sync();
    moveAside();
    LOG.warn("UPGRADE: imported the JSON snapshot {} into the store in {} ms; the JSON files are in {}",
        snapshot.getTermIndex(), (System.nanoTime() - started) / 1_000_000, smDir.resolve("legacy-json"));
  }

  /** Removes everything a crashed import left. */
  private static void clear(KeyValueStore store) {
    byte[] from = {0x00};
    byte[] to = {(byte) 0xff, (byte) 0xff};
    for (List<KeyValues.Entry> page = store.latest().scan(from, to, 4096); !page.isEmpty();
         page = store.latest().scan(from, to, 4096)) {
      StagedWrites batch = store.stage();
      page.forEach(e -> batch.delete(e.key()));
      store.commit(batch);
    }
  }

  private void moveAside() throws IOException {
    Path aside = smDir.resolve("legacy-json");
    Files.createDirectories(aside);
    try (Stream<Path> files = Files.list(smDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("snapshot.")).toList()) {
        Files.move(f, aside.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
