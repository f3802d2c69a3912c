package io.pygmy.raft;

import io.pygmy.storage.KeyValueStore;
import io.pygmy.storage.KeyValues;
import io.pygmy.storage.ReadView;
import io.pygmy.storage.StagedWrites;
import io.pygmy.storage.StorageException;
import io.pygmy.storage.Values;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis adapter both tiers share. The state lives in a key-value store under the group's state machine
 * directory ({@code sm/kv}); each committed entry is applied as one atomic batch that also records the
 * entry's term and index, so after a crash the store says exactly where it stands and Ratis replays the
 * rest of its log. The Raft log is the durability: batches are not fsync'd one by one, and a snapshot is
 * only {@link KeyValueStore#sync()} plus that index (milliseconds, on the apply thread), after which Ratis
 * may purge the log up to it. A follower that fell behind the leader's log installs a checkpoint of a
 * peer's store ({@link CheckpointInstall}). Subclasses only translate bytes to core calls and back.
 *
 * <p>Concurrency: Ratis applies entries one at a time on its updater thread; queries read consistent
 * store views on other threads. The lock only guards the store itself, which a checkpoint install replaces.
 */
public abstract class StoreStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(StoreStateMachine.class);
  /** The key under which each batch records the entry it applied; the cores use tags from 'A' on. */
  static final byte[] APPLIED_KEY = {0x01};

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final StoreFactory storeFactory;
  private final CheckpointSource checkpointSource;
  private final SimpleStateMachineStorage legacyStorage = new SimpleStateMachineStorage();
  private final SnapshotTimes snapshotTimes = new SnapshotTimes();
  private final TermStarts termStarts = new TermStarts();
  private final long snapshotEveryLogBytes;
  private long bytesSinceSnapshot;
  private volatile boolean snapshotAsked;
  private volatile KeyValueStore store;
  private volatile TermIndex snapshot;
  private CheckpointInstall install;

  /** Opens the store kept in a directory: RocksDB in production. */
  @FunctionalInterface
  public interface StoreFactory {
    KeyValueStore open(Path dir);
  }

  /**
   * The outcome of applying one entry: the reply bytes, and a future that must complete before anyone
   * is told about it (the catalog's cache-invalidation barrier; already complete elsewhere).
   */
  public record Applied(byte[] reply, CompletableFuture<?> before) {
    public static Applied now(byte[] reply) {
      return new Applied(reply, CompletableFuture.completedFuture(null));
    }
  }

  /**
   * @param snapshotEveryLogBytes command bytes applied after which a snapshot is asked for, so large
   *     entries (seed parts, big batches) bound the log on disk as well as the entry count does
   */
  protected StoreStateMachine(StoreFactory storeFactory, CheckpointSource checkpointSource,
                              long snapshotEveryLogBytes) {
    this.storeFactory = storeFactory;
    this.checkpointSource = checkpointSource;
    this.snapshotEveryLogBytes = snapshotEveryLogBytes;
  }

  /** A JSON reply refusing a command without logging it, or empty. */
  protected abstract Optional<byte[]> rejectBeforeLogging(KeyValues state, byte[] command);

  /** On the leader, for a command about to be logged: what {@link #beforeAppend} needs, or null. */
  protected Object prepareAppend(KeyValues state, byte[] command) {
    return null;
  }

  /**
   * Called on the leader in log order, just before a prepared command is appended at {@code index},
   * while Ratis holds its log's write lock: quick, never blocking, harmless if the entry never commits.
   */
  protected void beforeAppend(Object prepared, long index) {}

  /**
   * Applies one committed entry into {@code batch}, once per entry, in log order, on every replica. A
   * command the core refuses yields a refusal reply; an exception here (a bug, or bytes that do not
   * decode) drops the batch and answers {@link #refusedReply}, the same on every replica.
   */
  protected abstract Applied applyCommand(StagedWrites batch, byte[] command, long index);

  /** The reply to an entry whose apply threw: a refusal naming why. */
  protected abstract byte[] refusedReply(String why);

  /** Answers a query from a consistent view; {@code version} is the log index the view reflects. */
  protected abstract byte[] answer(KeyValues state, byte[] query, long version);

  /** Loads a JSON snapshot written before state moved to the store into {@code store} (an upgrade). */
  protected abstract void importLegacySnapshot(InputStream json, KeyValueStore store) throws IOException;

  /** Problems in a store's content (a checkpoint about to be installed); none when it is whole. */
  protected abstract List<String> verify(KeyValues state);

  /** Called after a checkpoint replaced the whole state (drop anything derived from the old one). */
  protected void stateReplaced() {}

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    getLifeCycle().startAndTransition(() -> {
      legacyStorage.init(raftStorage);
      open(raftStorage.getStorageDir().getStateMachineDir().toPath());
    }, IOException.class);
  }

  /**
   * Opens the store under the group's state machine directory, upgrading a JSON snapshot of the release
   * before the store existed. Ratis calls it through {@link #initialize}; tests and tools that drive the
   * state machine without a Raft server call it directly.
   */
  public void open(Path smDir) throws IOException {
    install = new CheckpointInstall(smDir, storeFactory, checkpointSource, this::verifyAndRead);
    store = install.openLive();
    new LegacyUpgrade(legacyStorage, smDir).runIfNeeded(store, this::importLegacySnapshot,
        ti -> commitApplied(store, ti));
    TermIndex applied = appliedIn(store.latest());
    termStarts.load(store.latest(), applied);
    if (applied != null) {
      setLastAppliedTermIndex(applied);
      snapshot = applied;
      LOG.info("state machine store at {} holds entries up to {}", smDir, applied);
    }
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    TermIndex s = snapshot;
    return s == null ? null : new FileListSnapshotInfo(List.of(), s);
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return legacyStorage;
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    byte[] command = request.getMessage().getContent().toByteArray();
    Optional<byte[]> rejection;
    Object prepared = null;
    try {
      rejection = read(state -> rejectBeforeLogging(state, command));
      if (rejection.isEmpty()) {
        prepared = prepareQuietly(command);
      }
    } catch (StorageException e) {
      throw new IOException("cannot read the state to check a command", e);
    } catch (RuntimeException e) {
      rejection = Optional.of(refusedReply("malformed command"));
    }
    rejection.ifPresent(json -> trx.setException(
        new StateMachineException(RaftCalls.REJECTION_MARK + new String(json, StandardCharsets.UTF_8))));
    trx.setStateMachineContext(prepared);
    return trx;
  }

  private Object prepareQuietly(byte[] command) {
    try {
      return read(state -> prepareAppend(state, command));
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
    return getServer().join().getDivision(getGroupId()).getRaftLog();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    var entry = trx.getLogEntry();
    Applied applied = applyEntry(TermIndex.valueOf(entry), entry.getStateMachineLogEntry().getLogData().toByteArray());
    byte[] reply = applied.reply();
    return applied.before().thenApply(ignored -> Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
  }

  /**
   * Applies one committed entry as one atomic batch that also records its term and index. Ratis calls it
   * through {@link #applyTransaction}, on its apply thread; tests and tools without a Raft server call it
   * directly, one entry at a time.
   */
  public Applied applyEntry(TermIndex termIndex, byte[] command) {
    KeyValueStore kv = store;
    StagedWrites batch = kv.stage();
    Applied applied;
    try {
      applied = applyCommand(batch, command, termIndex.getIndex());
    } catch (StorageException e) {
      throw halt(termIndex, e);
    } catch (RuntimeException | AssertionError e) {
      // Deterministic: the same bytes on the same state throw the same way on every replica.
      LOG.error("entry {} could not be applied and is refused; the state is unchanged", termIndex, e);
      batch.clear();
      applied = Applied.now(refusedReply("the entry could not be applied: " + e));
    }
    try {
      putApplied(batch, termIndex);
      kv.commit(batch);
      termStarts.committed(termIndex);
    } catch (RuntimeException e) {
      throw halt(termIndex, e);
    }
    updateLastAppliedTermIndex(termIndex);
    snapshotTimes.applied();
    bytesSinceSnapshot += command.length;
    if (bytesSinceSnapshot >= snapshotEveryLogBytes && !snapshotAsked) {
      askForSnapshot();
    }
    return applied;
  }

  /** Entries without state machine data (configuration, a new leader's first entry) move the index too. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    TermIndex ti = TermIndex.valueOf(term, index);
    try {
      commitApplied(store, ti);
      termStarts.committed(ti);
    } catch (RuntimeException e) {
      throw halt(ti, e);
    }
    super.notifyTermIndexUpdated(term, index);
  }

  /** A replica whose store fails cannot trust its state: stop now rather than diverge; the log is intact. */
  private static RuntimeException halt(TermIndex at, Throwable t) {
    LOG.error("FATAL: the state machine store failed at entry {}; halting this replica", at, t);
    Runtime.getRuntime().halt(70);
    return new IllegalStateException(t);
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      byte[] answer = read(state -> answer(state, request.getContent().toByteArray(), appliedIndex(state)));
      return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(answer)));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(RaftCalls.BAD_QUERY_MARK + e.getMessage()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs {@code read} on a consistent view of the current state (status, metrics, local reads). */
  protected final <T> T read(Function<KeyValues, T> read) {
    lock.readLock().lock();
    try (ReadView view = store.view()) {
      return read.apply(view);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The log index a view's state reflects (-1 before the first entry). */
  protected static long appliedIndex(KeyValues state) {
    TermIndex ti = appliedIn(state);
    return ti == null ? -1 : ti.getIndex();
  }

  @Override
  public long takeSnapshot() {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || last.getIndex() < 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    long started = System.nanoTime();
    store.sync(); // everything applied up to `last` is durable: Ratis may purge the log up to it
    snapshot = last;
    bytesSinceSnapshot = 0;
    snapshotAsked = false;
    snapshotTimes.took(started, System.nanoTime());
    LOG.debug("snapshot at {}: store synced in {} us", last, (System.nanoTime() - started) / 1000);
    return last.getIndex();
  }

  /** Asks this replica's own server for a snapshot (the log grew by bytes, not by entries). */
  private void askForSnapshot() {
    if (!getServer().isDone()) {
      return; // not running under a Ratis server (a test applying entries directly)
    }
    snapshotAsked = true;
    try {
      RaftServer server = getServer().join();
      server.snapshotManagementAsync(SnapshotManagementRequest.newCreate(ClientId.randomId(), server.getId(),
          getGroupId(), 0, 60_000)).whenComplete((reply, error) -> {
            if (error != null || !reply.isSuccess()) {
              snapshotAsked = false;
              LOG.warn("asking for a snapshot failed: {}", error != null ? error.toString() : reply.getException());
            }
          });
    } catch (RuntimeException e) {
      snapshotAsked = false;
      LOG.warn("asking for a snapshot failed: {}", e.toString());
    }
  }

  /** How long snapshots took and held up the apply thread (status, the soak bench). */
  public SnapshotTimes snapshotTimes() {
    return snapshotTimes;
  }

  /**
   * Writes a checkpoint of this replica's store to {@code out}, for a peer that must install one. The
   * store is held only while the checkpoint is cut (hard links, milliseconds); streaming it holds nothing.
   */
  public void writeCheckpoint(OutputStream out) throws IOException {
    CheckpointInstall.Outgoing cut;
    lock.readLock().lock();
    try {
      cut = install.cut(store);
    } finally {
      lock.readLock().unlock();
    }
    install.send(cut, out);
  }

  /** Bytes this replica's store takes on disk. */
  public long storeBytes() {
    lock.readLock().lock();
    try {
      return store.diskBytes();
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- installing a peer's checkpoint

  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto role, TermIndex firstInLog) {
    String leader = role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8();
    return install.download(leader, firstInLog);
  }

  /** Whether a peer's checkpoint is being downloaded or waits to be swapped in. */
  public boolean installingCheckpoint() {
    CheckpointInstall i = install;
    return i != null && i.inProgress();
  }

  private TermIndex verifyAndRead(KeyValues state) {
    List<String> problems = verify(state);
    if (!problems.isEmpty()) {
      throw new StorageException("the checkpoint is inconsistent: " + problems);
    }
    return appliedIn(state);
  }

  /** Ratis pauses the state machine before a downloaded checkpoint is loaded, and checks that it paused. */
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

  /** Ratis calls this (on the apply thread) once a checkpoint is downloaded: swap it in and run again. */
  @Override
  public void reinitialize() throws IOException {
    lock.writeLock().lock();
    try {
      Optional<KeyValueStore> replaced = install.swapIn(store);
      if (replaced.isPresent()) {
        store = replaced.get();
        TermIndex applied = appliedIn(store.latest());
        termStarts.load(store.latest(), applied);
        setLastAppliedTermIndex(applied);
        snapshot = applied;
        stateReplaced();
        LOG.info("installed a peer's checkpoint: state up to {}", applied);
      }
      if (getLifeCycleState() == LifeCycle.State.PAUSED) {
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (store != null) {
        store.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
    super.close();
  }

  // ---------------------------------------------------------------- the applied index in the store

  static TermIndex appliedIn(KeyValues state) {
    byte[] v = state.get(APPLIED_KEY);
    if (v == null) {
      return null;
    }
    Values.Reader r = Values.reader(v);
    return TermIndex.valueOf(r.varlong(), r.varlong());
  }

  private void putApplied(StagedWrites batch, TermIndex ti) {
    batch.put(APPLIED_KEY, Values.writer().varlong(ti.getTerm()).varlong(ti.getIndex()).build());
    termStarts.applied(batch, ti);
  }

  /** The term of an applied entry, also of one purged from the log (null when unknown): for the leader. */
  public TermIndex appliedTermIndex(long index) {
    return termStarts.at(index);
  }

  private void commitApplied(KeyValueStore kv, TermIndex ti) {
    StagedWrites batch = kv.stage();
    putApplied(batch, ti);
    kv.commit(batch);
  }
}
