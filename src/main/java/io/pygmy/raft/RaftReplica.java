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
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * One running Raft replica: the Ratis server for this node's group, plus local linearizable reads that
 * skip the network hop a Raft client would take to reach its own server.
 */
public final class RaftReplica implements AutoCloseable {
  private final RaftServer server;
  private final RaftGroup group;
  private final RaftPeerId self;
  private final ClientId localReader = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final Settings settings;

  private RaftReplica(RaftServer server, RaftGroup group, RaftPeerId self, Settings settings) {
    this.server = server;
    this.group = group;
    this.self = self;
    this.settings = settings;
  }

  /**
   * Starts the replica. An existing log under {@code storageDir} is recovered; an empty or wiped
   * directory is formatted and the replica catches up from its peers (log entries or a snapshot).
   */
  public static RaftReplica start(NodeAddress node, RaftGroup group, StateMachine stateMachine, Settings settings,
                                  Path storageDir, String bindHost) throws IOException {
    Files.createDirectories(storageDir);
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
    return new RaftReplica(server, group, self, settings);
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
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(localReader)
        .setServerId(self)
        .setGroupId(group.getGroupId())
        .setCallId(callIds.incrementAndGet())
        .setMessage(Message.valueOf(ByteString.copyFrom(query)))
        .setType(RaftClientRequest.readRequestType())
        .setTimeoutMs(settings.raftReadTimeoutMillis())
        .build();
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = server.submitClientRequestAsync(request);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(RaftCalls.unavailable("read on " + self, e));
    }
    return reply
        .orTimeout(settings.raftReadTimeoutMillis(), TimeUnit.MILLISECONDS)
        .handle((r, error) -> {
          if (error != null) {
            throw RaftCalls.unavailable("read on " + self, unwrap(error));
          }
          if (!r.isSuccess() && r.getException() instanceof StateMachineException sme) {
            throw new ApiException(ErrorCode.INTERNAL, "query failed on " + self + ": " + sme.getMessage());
          }
          return RaftCalls.content(r, "read on " + self);
        });
  }

  private static Exception unwrap(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof Exception e ? e : new RuntimeException(c);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
