package io.pygmy.raft;

import io.pygmy.storage.CheckpointArchive;
import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.ReadView;
import io.pygmy.storage.StorageException;
import io.pygmy.storage.StoreDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints between replicas of a group. A follower the leader cannot catch up from its log (the log
 * was purged past where the follower stands, or its store was wiped) downloads a checkpoint of a peer's
 * store, the leader's first: the archive checks every file's size and SHA-256, then the store is opened
 * and its content verified (counters against records) and its applied index checked to reach the
 * leader's log. Only then is it swapped in as the live store, on the apply thread, crash-safely.
 *
 * <p>Layout under the group's state machine directory: {@code kv} (the live store), {@code kv.incoming}
 * (a verified download waiting for the swap), {@code checkpoints/} (checkpoints being sent to peers).
 */
final class CheckpointInstall {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointInstall.class);

  private final Path live;
  private final Path incoming;
  private final Path outgoing;
  private final StoreStateMachine.StoreFactory factory;
  private final CheckpointSource source;
  private final Function<KeyValues, TermIndex> verifyAndRead;
  /** One checkpoint sent at a time: each costs a flush and a full read of the store. */
  private final Semaphore serving = new Semaphore(1);
  private CompletableFuture<TermIndex> downloading;
  private volatile TermIndex pending;

  CheckpointInstall(Path smDir, StoreStateMachine.StoreFactory factory, CheckpointSource source,
                    Function<KeyValues, TermIndex> verifyAndRead) {
    this.live = smDir.resolve("kv");
    this.incoming = StoreDirectory.incomingOf(live);
    this.outgoing = smDir.resolve("checkpoints");
    this.factory = factory;
    this.source = source;
    this.verifyAndRead = verifyAndRead;
  }

  /** Opens the live store, first finishing or undoing a swap a crash interrupted. */
  KeyValueStore openLive() throws IOException {
    Files.createDirectories(live.getParent());
    StoreDirectory.Recovery recovery = StoreDirectory.recover(live);
    if (recovery != StoreDirectory.Recovery.CLEAN) {
      LOG.warn("the store directory needed recovery after a crash: {}", recovery);
    }
    deleteTree(outgoing); // checkpoints that were being sent when the process died
    return factory.open(live);
  }

  /** A checkpoint cut for a peer, until {@link #send} streamed (and deleted) it. */
  record Outgoing(Path dir) {}

  /** Cuts a checkpoint of {@code store} to send; refused while another is being sent. */
  Outgoing cut(KeyValueStore store) throws IOException {
    if (!serving.tryAcquire()) {
      throw new IOException("busy: this replica is already sending a checkpoint");
    }
    Path dir = outgoing.resolve("out-" + System.nanoTime());
    try {
      Files.createDirectories(outgoing);
      store.checkpoint(dir);
      return new Outgoing(dir);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      serving.release();
      throw e;
    }
  }

  /** Streams a cut checkpoint to {@code out}, then deletes it. */
  void send(Outgoing cut, OutputStream out) throws IOException {
    try {
      CheckpointArchive.write(cut.dir(), out);
    } finally {
      deleteTree(cut.dir());
      serving.release();
    }
  }

  /** Downloads and verifies a checkpoint reaching {@code firstInLog}; one download at a time. */
  synchronized CompletableFuture<TermIndex> download(String leader, TermIndex firstInLog) {
    if (downloading != null && !downloading.isDone()) {
      return downloading;
    }
    List<String> order = new ArrayList<>();
    order.add(leader);
    source.peers().stream().filter(p -> !p.equals(leader)).forEach(order::add);
    CompletableFuture<TermIndex> f = new CompletableFuture<>();
    Thread.ofVirtual().name("checkpoint-download").start(() -> {
      try {
        f.complete(downloadFromAny(order, firstInLog));
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    downloading = f;
    return f;
  }

  private TermIndex downloadFromAny(List<String> peers, TermIndex firstInLog) {
    List<String> failures = new ArrayList<>();
    for (String peer : peers) {
      long started = System.nanoTime();
      try {
        deleteTree(incoming);
        try (InputStream in = source.open(peer)) {
          CheckpointArchive.read(in, incoming);
        }
        TermIndex at = check(peer, firstInLog);
        pending = at;
        LOG.info("downloaded and verified {}'s checkpoint (state up to {}) in {} ms", peer, at,
            (System.nanoTime() - started) / 1_000_000);
        return at;
      } catch (IOException | RuntimeException e) {
        LOG.warn("checkpoint from {} failed: {}", peer, e.toString());
        failures.add(peer + ": " + e.getMessage());
        deleteQuietly(incoming);
      }
    }
    throw new StorageException("no peer gave a usable checkpoint: " + failures);
  }

  private TermIndex check(String peer, TermIndex firstInLog) {
    TermIndex at;
    try (KeyValueStore candidate = factory.open(incoming); ReadView view = candidate.view()) {
      at = verifyAndRead.apply(view);
    }
    if (at == null || at.getIndex() < firstInLog.getIndex() - 1) {
      throw new StorageException(peer + "'s checkpoint ends at " + at + ", before the leader's log starts ("
          + firstInLog + ")");
    }
    return at;
  }

  synchronized boolean inProgress() {
    return pending != null || downloading != null && !downloading.isDone();
  }

  /** Replaces {@code current} by the verified download, if there is one: the new live store. */
  Optional<KeyValueStore> swapIn(KeyValueStore current) throws IOException {
    if (pending == null || !Files.isDirectory(incoming)) {
      return Optional.empty();
    }
    current.close();
    StoreDirectory.install(live, incoming);
    pending = null;
    return Optional.of(factory.open(live));
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteTree(dir);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
