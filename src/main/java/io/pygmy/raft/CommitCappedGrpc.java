package io.pygmy.raft;

import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;

/**
 * Ratis' gRPC transport with one correction on the leader side, for a Ratis 3.3.0 bug that could leave a
 * follower stuck for good at a cluster's start (docs/RELIABILITY.md, "a fresh replica stuck at start").
 *
 * <p>The bug: an append request without a previous entry (a heartbeat Ratis sends while appends are
 * pending, or anything sent while the follower's next index is 0) still carries the leader's commit index,
 * capped at 0 rather than -1. A follower has nothing to check such a request against, so it takes "committed
 * up to 0" for its own entry at index 0, even when that entry is a stale one from a leader that never
 * committed it. It then refuses every append that would replace that entry, alternately asking for index 0
 * and index 1, for ever. Here such a request carries at most the commit index its own entries prove: -1
 * for a heartbeat, its last entry's index for an append starting at 0. That only withholds commit advances
 * the follower could not have verified; the next request with a previous entry carries them.
 *
 * <p>Wired in with {@code RaftConfigKeys.Rpc.setType(p, new CommitCappedGrpc())} on servers only; Ratis
 * loads it by class name, hence the public no-argument constructor. Re-check the extension points it uses
 * (GrpcLogAppender's constructor and {@code newAppendEntriesRequest}, GrpcFactory's {@code newLogAppender})
 * at every Ratis upgrade, and drop it once Ratis treats a missing previous entry as -1.
 */
public final class CommitCappedGrpc implements RpcType {
  public CommitCappedGrpc() {}

  @Override
  public String name() {
    return getClass().getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  /**
   * Pure: the commit index a request may carry. With a previous entry the follower checks it, so it is
   * left alone; without one, only what the request's own entries prove.
   *
   * @param lastEntryIndex the index of the request's last entry, ignored when it carries none
   */
  static long safeLeaderCommit(boolean hasPreviousEntry, long leaderCommit, int entries, long lastEntryIndex) {
    if (hasPreviousEntry) {
      return leaderCommit;
    }
    return Math.min(leaderCommit, entries == 0 ? -1 : lastEntryIndex);
  }

  static AppendEntriesRequestProto capped(AppendEntriesRequestProto request) {
    if (request == null) {
      return null;
    }
    int entries = request.getEntriesCount();
    long safe = safeLeaderCommit(request.hasPreviousLog(), request.getLeaderCommit(), entries,
        entries == 0 ? -1 : request.getEntries(entries - 1).getIndex());
    return safe == request.getLeaderCommit() ? request : request.toBuilder().setLeaderCommit(safe).build();
  }

  static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    @Override
    public LogAppender newLogAppender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower);
    }
  }

  static final class Appender extends GrpcLogAppender {
    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    /**
     * The entry before {@code nextIndex}: from the log or the latest snapshot as Ratis finds it, else from
     * the store's record of where each term began ({@link TermStarts}), so a follower standing exactly at
     * the leader's purged log start is sent entries instead of being asked for ever to install a snapshot
     * it already has.
     */
    @Override
    public TermIndex getPrevious(long nextIndex) {
      TermIndex previous = super.getPrevious(nextIndex);
      if (previous == null && nextIndex > RaftLog.LEAST_VALID_LOG_INDEX
          && getServer().getStateMachine() instanceof StoreStateMachine store) {
        return store.appliedTermIndex(nextIndex - 1);
      }
      return previous;
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
        throws RaftLogIOException {
      return capped(super.newAppendEntriesRequest(callId, heartbeat));
    }
  }
}
