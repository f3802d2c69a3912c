package io.pygmy.raft;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * One running Raft replica: the Ratis server for this node's group, plus local linearizable reads, and
 * writes submitted here when this replica leads, which skip the network hop (gRPC, HTTP/2, executor
 * hand-offs) a Raft client would take to reach its own server.
 */
public final class RaftReplica implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RaftReplica.class);
  private static final long REJOIN_POLL_MILLIS = 500;
  private static final long REJOIN_STUCK_MILLIS = 3000;
  private static final int REJOIN_MAX_ATTEMPTS = 5;
  private final RaftServer server;
  private final RaftGroup group;
  private final RaftPeerId self;
  private final ClientId localReader = ClientId.randomId();
  private final ClientId localWriter = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final Settings settings;
  private final Thread rejoinWatch;
  private final LeaderWatch leaderWatch;

  private RaftReplica(RaftServer server, RaftGroup group, RaftPeerId self, Settings settings, boolean freshStorage,
                      PeerLogs peerLogs) {
    this.server = server;
    this.group = group;
    this.self = self;
    this.settings = settings;
    this.rejoinWatch = freshStorage
        ? Thread.ofVirtual().name(self + "-rejoin-watch").start(this::watchRejoin)
        : null;
    this.leaderWatch = settings.leaderProbeIntervalMillis() > 0
        ? new LeaderWatch(server, group, self, settings.leaderProbeIntervalMillis(), peerLogs)
        : null;
  }

  /** Elections this replica started early because its leader's process was gone ({@link LeaderWatch}). */
  public long electionsStartedForGoneLeader() {
    return leaderWatch == null ? 0 : leaderWatch.electionsStarted();
  }

  /**
   * Starts the replica. An existing log under {@code storageDir} is recovered; an empty or wiped
   * directory is formatted and the replica catches up from its peers (log entries or a snapshot).
   *
   * @param peerLogs where the group's other replicas' logs end, asked when its leader's process is gone
   */
  public static RaftReplica start(NodeAddress node, RaftGroup group, StateMachine stateMachine, Settings settings,
                                  Path storageDir, String bindHost, PeerLogs peerLogs) throws IOException {
    Files.createDirectories(storageDir);
    boolean freshStorage = !Files.exists(storageDir.resolve(group.getGroupId().getUuid().toString()));
    RaftPeerId self = RaftPeerId.valueOf(node.name());
    if (group.getPeer(self) == null) {
      throw new IllegalArgumentException(node.name() + " is not a member of its group " + group);
    }
    RaftServer server = RaftServer.newBuilder()
        .setServerId(self)
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(RaftSetup.serverProperties(settings, storageDir, bindHost, node.raftPort()))
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    server.start();
    return new RaftReplica(server, group, self, settings, freshStorage, peerLogs);
  }

  public RaftServer.Division division() {
    try {
      return server.getDivision(group.getGroupId());
    } catch (IOException e) {
      throw new IllegalStateException("group " + group.getGroupId() + " is not running here", e);
    }
  }

  public ReplicaStatus status() {
    RaftServer.Division d = division();
    var info = d.getInfo();
    RaftPeerId leader = info.getLeaderId();
    return new ReplicaStatus(info.getCurrentRole().name(), info.getCurrentTerm(),
        leader == null ? null : leader.toString(), d.getRaftLog().getLastCommittedIndex(),
        info.getLastAppliedIndex(), info.isLeader() && info.isLeaderReady());
  }

  /** Where this replica's log ends (for a peer choosing who starts an early election). */
  public LogPosition logPosition() {
    return LogPosition.of(division().getRaftLog().getLastEntryTermIndex());
  }

  public RaftGroup group() {
    return group;
  }

  public String id() {
    return self.toString();
  }

  /**
   * A linearizable read served by this replica: Raft ReadIndex (answered by the leader's lease, or by
   * a round to the leader from a follower), then a wait until this replica has applied that far.
   */
  public CompletableFuture<byte[]> readLocal(byte[] query) {
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = submit(localReader, RaftClientRequest.readRequestType(), query, settings.raftReadTimeoutMillis());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(RaftCalls.unavailable("read on " + self, e));
    }
    return reply.handle((r, error) -> {
      if (error != null) {
        throw RaftCalls.unavailable("read on " + self, unwrap(error));
      }
      if (!r.isSuccess() && r.getException() instanceof StateMachineException sme) {
        String m = String.valueOf(sme.getMessage());
        int bad = m.indexOf(RaftCalls.BAD_QUERY_MARK);
        if (bad >= 0) {
          throw ApiException.badRequest(m.substring(bad + RaftCalls.BAD_QUERY_MARK.length()));
        }
        throw new ApiException(ErrorCode.INTERNAL, "query failed on " + self + ": " + sme.getMessage());
      }
      return RaftCalls.content(r, "read on " + self);
    });
  }

  /**
   * Submits a write to this replica's own server, for when it leads (callers check
   * {@link ReplicaStatus#leads()} first). Completes with the state machine's reply; with
   * {@link NotHereException} when this replica is not, or stopped being, a ready leader; or with the
   * exceptions of {@link RaftCalls#content} (a rejection, or unavailable).
   */
  public CompletableFuture<byte[]> writeLocal(byte[] command, long timeoutMillis) {
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = submit(localWriter, RaftClientRequest.writeRequestType(), command, timeoutMillis);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new NotHereException(e));
    }
    return reply.handle((r, error) -> {
      if (error != null) {
        Exception e = unwrap(error);
        if (isNotHere(e)) {
          throw new NotHereException(e);
        }
        throw RaftCalls.unavailable("write on " + self, e);
      }
      if (!r.isSuccess() && isNotHere(r.getException())) {
        throw new NotHereException(r.getException());
      }
      return RaftCalls.content(r, "write on " + self);
    });
  }

  /** Submits {@code message} to this replica's own server, bounded by {@code timeoutMillis}. */
  private CompletableFuture<RaftClientReply> submit(ClientId client, RaftClientRequest.Type type, byte[] message,
                                                    long timeoutMillis) throws IOException {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(client)
        .setServerId(self)
        .setGroupId(group.getGroupId())
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(ByteString.copyFrom(message)))
        .setType(type)
        .setTimeoutMs(timeoutMillis)
        .build();
    return server.submitClientRequestAsync(request).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static boolean isNotHere(Throwable e) {
    return e instanceof NotLeaderException || e instanceof LeaderNotReadyException
        || e instanceof LeaderSteppingDownException;
  }

  /** This replica is not a ready leader, or stepped down before the write committed here. */
  public static final class NotHereException extends RuntimeException {
    NotHereException(Throwable cause) {
      super("not a ready leader here: " + cause, cause, false, false);
    }
  }

  private static Exception unwrap(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof Exception e ? e : new RuntimeException(c);
  }

  /**
   * A replica restarted with empty storage (its data directory was wiped) may be stuck: Ratis' leader
   * remembers how far this peer had replicated before the wipe and never sends it anything older, so the
   * peer never gets the snapshot it needs. A new leader starts with no such memory. So while this replica
   * is a follower in a term some leader won, with an empty log and no snapshot arriving, for
   * {@link #REJOIN_STUCK_MILLIS}, it asks the leader to hand leadership to the third peer (or to step
   * down). In a brand-new group the first leader's configuration entry reaches every peer at once, so this
   * does not trigger. Bounded: a few attempts, then it stops watching.
   */
  private void watchRejoin() {
    LOG.info("{}: started on empty storage; watching that the leader brings it up to date", self);
    long stuckSince = 0;
    int attempts = 0;
    long polls = 0;
    try {
      while (attempts < REJOIN_MAX_ATTEMPTS && !Thread.currentThread().isInterrupted()) {
        Thread.sleep(REJOIN_POLL_MILLIS);
        RaftServer.Division d;
        boolean logEmpty;
        try {
          d = server.getDivision(group.getGroupId());
          logEmpty = d.getRaftLog().getLastEntryTermIndex() == null; // throws while the log is still opening
        } catch (IOException | RuntimeException e) {
          LOG.debug("{}: not started yet: {}", self, e.toString());
          continue;
        }
        if (!logEmpty || d.getStateMachine().getLatestSnapshot() != null) {
          LOG.info("{}: receiving the group's state from its leader", self);
          return; // caught up, or catching up: something arrived
        }
        var lifeCycle = d.getStateMachine().getLifeCycleState();
        var info = d.getInfo();
        RaftPeerId leader = info.getLeaderId();
        if (++polls % 10 == 0) {
          LOG.info("{}: still empty; leader {}, role {} in term {}, state machine {}", self, leader,
              info.getCurrentRole(), info.getCurrentTerm(), lifeCycle);
        }
        // Stuck looks like: a follower in a term some leader won (term > 0), with nothing in its log, and
        // no snapshot being installed. (Ratis may not report the leader's id to such a follower.)
        boolean installing = d.getStateMachine() instanceof StoreStateMachine store && store.installingCheckpoint();
        boolean stuckLooking = info.isFollower() && info.getCurrentTerm() > 0 && !self.equals(leader)
            && !lifeCycle.isPausingOrPaused() && !installing;
        if (!stuckLooking) {
          stuckSince = 0;
          continue;
        }
        long now = System.nanoTime();
        if (stuckSince == 0) {
          stuckSince = now;
        } else if (now - stuckSince >= TimeUnit.MILLISECONDS.toNanos(REJOIN_STUCK_MILLIS)) {
          attempts++;
          askLeaderToHandOver(leader);
          stuckSince = 0;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks the leader to hand over to the third peer when we know who leads, else to step down. */
  private void askLeaderToHandOver(RaftPeerId leader) {
    RaftPeerId successor = leader == null ? null : group.getPeers().stream().map(p -> p.getId())
        .filter(id -> !id.equals(self) && !id.equals(leader)).findFirst().orElse(null);
    LOG.warn("{}: started on empty storage and the leader ({}) sends nothing; asking it to {}", self,
        leader == null ? "unknown here" : leader,
        successor == null ? "step down" : "hand leadership to " + successor);
    try (var client = RaftSetup.newClient(group, settings)) {
      var reply = client.admin().transferLeadership(successor, leader, settings.raftWriteTimeoutMillis());
      if (!reply.isSuccess() && successor != null) {
        client.admin().transferLeadership(null, leader, settings.raftWriteTimeoutMillis());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: leadership hand-over failed, will retry: {}", self, e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    if (rejoinWatch != null) {
      rejoinWatch.interrupt();
    }
    if (leaderWatch != null) {
      leaderWatch.close();
    }
    server.close();
  }
}
