package io.pygmy.raft;

import io.pygmy.http.Json;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis adapter both tiers share: it decodes log entries and queries, holds the lock around the
 * pure core, tracks the applied index, and writes and loads snapshots. Subclasses only translate
 * bytes to core calls and back.
 *
 * <p>Concurrency: Ratis applies entries one at a time on its updater thread (write lock); queries and
 * snapshots run concurrently on other threads (read lock).
 */
public abstract class StoreStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(StoreStateMachine.class);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private volatile RaftLog raftLog;

  /**
   * The outcome of applying one entry: the reply bytes, and a future that must complete before anyone
   * is told about it (the catalog's cache-invalidation barrier; already complete elsewhere).
   */
  public record Applied(byte[] reply, CompletableFuture<?> before) {
    public static Applied now(byte[] reply) {
      return new Applied(reply, CompletableFuture.completedFuture(null));
    }
  }

  /** Called under the read lock: a JSON reply refusing a command without logging it, or empty. */
  protected abstract Optional<byte[]> rejectBeforeLogging(byte[] command);

  /**
   * Called under the read lock on the leader, for a command about to be logged: what
   * {@link #beforeAppend} will need, or null when it has nothing to do for this command.
   */
  protected Object prepareAppend(byte[] command) {
    return null;
  }

  /**
   * Called on the leader in log order, just before a prepared command is appended at {@code index},
   * while Ratis holds its log's write lock: it must be quick and must not block. It runs for entries
   * that may never commit (the leader can lose its term first), so it may only do what is harmless then.
   * A failure here is logged and the entry appended anyway.
   */
  protected void beforeAppend(Object prepared, long index) {}

  /** Called under the write lock, once per committed entry, in log order, on every replica. */
  protected abstract Applied applyCommand(byte[] command, long index);

  /** Called under the read lock. {@code version} is the log index the state reflects. */
  protected abstract byte[] answer(byte[] query, long version);

  /** Called under the read lock: an immutable copy of the state, written out after the lock is released. */
  protected abstract Object snapshotState();

  /**
   * Called under the write lock: replaces the state with the snapshot's, read from {@code snapshotJsonOrNull},
   * or with the empty state when null.
   */
  protected abstract void restoreState(InputStream snapshotJsonOrNull) throws IOException;

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    getLifeCycle().startAndTransition(() -> {
      storage.init(raftStorage);
      loadLatestSnapshot();
    }, IOException.class);
  }

  /**
   * Ratis pauses the state machine before it installs a snapshot sent by the leader, and checks that it
   * did pause; {@link BaseStateMachine} leaves these lifecycle transitions to us.
   */
  @Override
  public void pause() {
    lock.writeLock().lock();
    try {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Ratis calls this after installing a snapshot sent by the leader: load it and run again. */
  @Override
  public void reinitialize() throws IOException {
    loadLatestSnapshot();
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    byte[] command = request.getMessage().getContent().toByteArray();
    Optional<byte[]> rejection;
    Object prepared = null;
    lock.readLock().lock();
    try {
      rejection = rejectBeforeLogging(command);
      if (rejection.isEmpty()) {
        prepared = prepareQuietly(command);
      }
    } catch (RuntimeException e) {
      rejection = Optional.of(("{\"outcome\":\"INVALID\",\"message\":\"malformed command\"}")
          .getBytes(StandardCharsets.UTF_8));
    } finally {
      lock.readLock().unlock();
    }
    rejection.ifPresent(json -> trx.setException(
        new StateMachineException(RaftCalls.REJECTION_MARK + new String(json, StandardCharsets.UTF_8))));
    trx.setStateMachineContext(prepared);
    return trx;
  }

  private Object prepareQuietly(byte[] command) {
    try {
      return prepareAppend(command);
    } catch (RuntimeException e) {
      LOG.warn("preparing the append of a command failed; it is appended without: {}", e.toString());
      return null;
    }
  }

  @Override
  public TransactionContext preAppendTransaction(TransactionContext trx) throws IOException {
    Object prepared = trx.getStateMachineContext();
    if (prepared != null) {
      try {
        // Ratis calls this under its log's write lock, with the entry about to go at the log's next index.
        beforeAppend(prepared, raftLog().getNextIndex());
      } catch (RuntimeException e) {
        LOG.warn("work before appending a command failed; appending it anyway: {}", e.toString());
      }
    }
    return super.preAppendTransaction(trx);
  }

  private RaftLog raftLog() throws IOException {
    RaftLog log = raftLog;
    if (log == null) {
      log = getServer().join().getDivision(getGroupId()).getRaftLog();
      raftLog = log;
    }
    return log;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    var entry = trx.getLogEntry();
    TermIndex termIndex = TermIndex.valueOf(entry);
    byte[] command = entry.getStateMachineLogEntry().getLogData().toByteArray();
    Applied applied;
    lock.writeLock().lock();
    try {
      applied = applyCommand(command, termIndex.getIndex());
      updateLastAppliedTermIndex(termIndex);
    } catch (Throwable t) {
      // A committed entry that cannot be applied means this replica's state can no longer be trusted.
      // Stop now rather than diverge from its peers; the log is intact for a post-mortem.
      LOG.error("FATAL: cannot apply log entry {}; halting this replica", termIndex, t);
      Runtime.getRuntime().halt(70);
      throw t;
    } finally {
      lock.writeLock().unlock();
    }
    byte[] reply = applied.reply();
    return applied.before().thenApply(ignored -> Message.valueOf(
        org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(reply)));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    lock.readLock().lock();
    try {
      byte[] answer = answer(request.getContent().toByteArray(), getLastAppliedTermIndex().getIndex());
      return CompletableFuture.completedFuture(Message.valueOf(
          org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(answer)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Runs {@code read} against the current state under the read lock, for local status and metrics. */
  protected final <T> T withReadLock(java.util.function.Supplier<T> read) {
    lock.readLock().lock();
    try {
      return read.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    Object state;
    TermIndex last;
    lock.readLock().lock();
    try {
      state = snapshotState();
      last = getLastAppliedTermIndex();
    } finally {
      lock.readLock().unlock();
    }
    if (last == null || last.getIndex() < 0) {
      return -1;
    }
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    Path tmp = file.toPath().resolveSibling(file.getName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
      Json.MAPPER.writeValue(out, state);
    }
    // Ratis purges the log up to this snapshot, so it must be on disk before it is announced.
    force(tmp, StandardOpenOption.WRITE);
    Files.move(tmp, file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    // The digest is checked at load, so a torn digest file would stop the replica: it goes to disk too,
    // then the directory, which makes both new names durable.
    force(MD5FileUtil.getDigestFileForFile(file).toPath(), StandardOpenOption.WRITE);
    force(file.toPath().getParent(), StandardOpenOption.READ);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    LOG.info("snapshot at {} written to {}", last, file);
    return last.getIndex();
  }

  /** fsync of a file, or of a directory (opened for reading), whose entries are synced through it. */
  private static void force(Path path, StandardOpenOption mode) throws IOException {
    try (FileChannel channel = FileChannel.open(path, mode)) {
      channel.force(true);
    }
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    lock.writeLock().lock();
    try {
      if (snapshot == null) {
        restoreState(null);
        return;
      }
      Path path = snapshot.getFile().getPath();
      MD5Hash md5 = snapshot.getFile().getFileDigest();
      if (md5 != null) {
        MD5FileUtil.verifySavedMD5(path.toFile(), md5);
      }
      // Drop the current state first, and parse from the stream rather than from a copy of the file: the
      // heap never holds two copies of the state, or the state and its JSON.
      restoreState(null);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
        restoreState(in);
      }
      setLastAppliedTermIndex(snapshot.getTermIndex());
      LOG.info("state loaded from snapshot {}", snapshot.getTermIndex());
    } finally {
      lock.writeLock().unlock();
    }
  }
}
