package io.pygmy.raft;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The boring part of Raft, in one place: which peers form a group, where a replica keeps its log, and
 * every Ratis setting we rely on, each taken from {@link Settings} or explained here.
 */
public final class RaftSetup {
  private RaftSetup() {}

  /** Each tier's group id is fixed, so every replica and client agrees on it without coordination. */
  public static RaftGroupId groupId(Service service) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("pygmy-" + service.id()).getBytes(StandardCharsets.UTF_8)));
  }

  public static RaftGroup group(Service service, List<NodeAddress> replicas) {
    if (!service.replicated()) {
      throw new IllegalArgumentException(service + " is not replicated");
    }
    List<RaftPeer> peers = replicas.stream()
        .map(n -> RaftPeer.newBuilder().setId(RaftPeerId.valueOf(n.name())).setAddress(n.raftAddress()).build())
        .toList();
    return RaftGroup.valueOf(groupId(service), peers);
  }

  /** Properties of one replica: gRPC on {@code bindHost:raftPort}, storage under {@code storageDir}. */
  public static RaftProperties serverProperties(Settings s, Path storageDir, String bindHost, int raftPort) {
    RaftProperties p = commonProperties(s);
    // gRPC, with the leader's commit index capped on requests a follower cannot check (a Ratis 3.3.0 bug
    // that could leave a fresh follower stuck for good; CommitCappedGrpc says how).
    RaftConfigKeys.Rpc.setType(p, new CommitCappedGrpc());
    GrpcConfigKeys.Server.setHost(p, bindHost);
    GrpcConfigKeys.Server.setPort(p, raftPort);
    RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile()));

    RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(s.electionTimeoutMinMillis()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(s.electionTimeoutMaxMillis()));
    // A fresh cluster elects its first leader quickly; later elections use the full range above.
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, millis(Math.max(50, s.electionTimeoutMinMillis() / 4)));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, millis(Math.max(100, s.electionTimeoutMinMillis() / 2)));
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);

    // Linearizable reads on any replica (ReadIndex); the leader answers from its lease without a round.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
    RaftServerConfigKeys.Read.setTimeout(p, millis(s.raftReadTimeoutMillis()));

    // Durability: every acknowledged entry is fsync'd on a majority (Ratis syncs before it acks an append).
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.raftLogSegmentBytes()));
    RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(1 << 20, s.raftLogSegmentBytes())));
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, Math.max(1, s.snapshotEveryEntries() / 4));
    // Keep some log behind each snapshot, so a replica that was down briefly catches up from the log.
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, s.snapshotEveryEntries() / 2);

    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotEveryEntries());
    // A follower behind the leader's purged log is told to install a snapshot, and downloads a checkpoint
    // of a peer's store itself (StoreStateMachine), rather than Ratis copying snapshot files.
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
    // Bounded heap: at most this much of the log is cached (Ratis' default is six segments, up to 200 MB).
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf("24MB"));
    // A follower that comes back is contacted within half a second: Ratis' default backs off to 5 s
    // between attempts after 30 failures, which a replica down for about twenty seconds has had. Same
    // horizon as the default (10,000 x 0.5 s, about 80 minutes).
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, "1ms,10, 100ms,20, 500ms,10000");
    // A follower catching up gets its backlog in appends of at most this many entries: each is then
    // written and answered well within the request timeout even by a cold, busy JVM (unbounded, the leader
    // sent 3,875 entries at once, timed out, and sent them again).
    RaftServerConfigKeys.Log.Appender.setBufferElementLimit(p, s.raftAppendEntriesMax());

    // Bounded queues: a leader holds at most this many pending client requests.
    RaftServerConfigKeys.Write.setElementLimit(p, s.raftPendingRequestsLimit());
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf("32MB"));
    // Exactly-once across client retries relies on our own idempotency keys, not only on this cache.
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, TimeDuration.valueOf(60, TimeUnit.SECONDS));
    return p;
  }

  /**
   * A client of a group. Retries inside Ratis are bounded by the write timeout; callers add their own
   * deadline on top ({@link RaftCalls}).
   */
  public static RaftClient newClient(RaftGroup group, Settings s) {
    RaftProperties p = commonProperties(s);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(Math.min(1000, s.raftWriteTimeoutMillis())));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, 1024);
    // Retry (leader changes, lost connections) every 50 ms, but never past the configured deadline.
    RetryPolicy every50ms = RetryPolicies.retryForeverWithSleep(millis(50));
    RetryPolicy retry = RequestTypeDependentRetryPolicy.newBuilder()
        .setRetryPolicy(RaftClientRequestProto.TypeCase.WRITE, every50ms)
        .setTimeout(RaftClientRequestProto.TypeCase.WRITE, millis(s.raftWriteTimeoutMillis()))
        .setRetryPolicy(RaftClientRequestProto.TypeCase.READ, every50ms)
        .setTimeout(RaftClientRequestProto.TypeCase.READ, millis(s.raftReadTimeoutMillis()))
        .build();
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(group)
        .setProperties(p)
        .setClientRpc(new GrpcFactory(new Parameters()).newRaftClientRpc(ClientId.randomId(), p))
        .setRetryPolicy(retry)
        .build();
  }

  private static RaftProperties commonProperties(Settings s) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf("16MB"));
    return p;
  }

  static TimeDuration millis(long ms) {
    return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
  }
}
