package io.pygmy.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.config.Settings;
import io.pygmy.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.impl.ClientProtoUtils;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ratis 3.3.0 stall {@link CommitCappedGrpc} prevents, on a real Ratis follower (its own storage and
 * gRPC port), fed the requests two leaders sent it in a CI run: a stale entry at index 0 from a leader that
 * never committed it, then the next leader's heartbeat without a previous entry, then that leader's append
 * from index 0. Uncapped, the heartbeat makes the follower commit its stale entry, and the append is
 * refused for ever; capped, the append replaces it.
 */
class CommitCappedGrpcTest {
  private RaftServer follower;
  private RaftGroup group;
  private RaftPeer oldLeader;
  private RaftPeer newLeader;
  private long callId;

  @Test
  void withoutAPreviousEntryOnlyWhatTheRequestCarriesCanBeCommitted() {
    assertThat(CommitCappedGrpc.safeLeaderCommit(false, 0, 0, -1)).as("a heartbeat").isEqualTo(-1);
    assertThat(CommitCappedGrpc.safeLeaderCommit(false, 57, 0, -1)).isEqualTo(-1);
    assertThat(CommitCappedGrpc.safeLeaderCommit(false, 57, 2, 1)).as("an append of 0..1").isEqualTo(1);
    assertThat(CommitCappedGrpc.safeLeaderCommit(false, 0, 2, 1)).as("never raised").isZero();
    assertThat(CommitCappedGrpc.safeLeaderCommit(true, 57, 0, -1)).as("checked by the follower").isEqualTo(57);
    assertThat(CommitCappedGrpc.safeLeaderCommit(true, 57, 3, 60)).isEqualTo(57);
  }

  @Test
  void requestsThatNeedNoCapAreSentAsTheyAre() {
    AppendEntriesRequestProto checked = AppendEntriesRequestProto.newBuilder().setLeaderCommit(9)
        .setPreviousLog(TermIndex.valueOf(3, 8).toProto()).build();
    assertThat(CommitCappedGrpc.capped(checked)).isSameAs(checked);
    assertThat(CommitCappedGrpc.capped(null)).isNull();
    AppendEntriesRequestProto heartbeat = AppendEntriesRequestProto.newBuilder().setLeaderCommit(0).build();
    assertThat(CommitCappedGrpc.capped(heartbeat).getLeaderCommit()).isEqualTo(-1);
  }

  @Test
  void aCappedHeartbeatLeavesAStaleEntryReplaceable(@TempDir Path dir) throws Exception {
    startFollower(dir);
    assertThat(send(oldLeader, 2, null, List.of(entry(2, 0)), -1).getResult())
        .isEqualTo(AppendEntriesReplyProto.AppendResult.SUCCESS);

    // What a 3.3.0 leader sends while an append is pending: no previous entry, leaderCommit 0.
    AppendEntriesRequestProto heartbeat = request(newLeader, 3, null, List.of(), 0);
    assertThat(follower.appendEntriesAsync(CommitCappedGrpc.capped(heartbeat)).get(10, TimeUnit.SECONDS)
        .getResult()).isEqualTo(AppendEntriesReplyProto.AppendResult.SUCCESS);
    assertThat(division().getRaftLog().getLastCommittedIndex()).as("the stale entry is not committed").isEqualTo(-1);

    AppendEntriesReplyProto fromZero = send(newLeader, 3, null, List.of(entry(1, 0), entry(3, 1)), 1);
    assertThat(fromZero.getResult()).as("the new leader's log replaces the stale entry")
        .isEqualTo(AppendEntriesReplyProto.AppendResult.SUCCESS);
    assertThat(division().getRaftLog().getTermIndex(0)).isEqualTo(TermIndex.valueOf(1, 0));
  }

  /** The same requests without the cap: the stall this class exists for. If Ratis fixes it, drop the cap. */
  @Test
  void uncappedTheFollowerCommitsTheStaleEntryAndRefusesTheNewLog(@TempDir Path dir) throws Exception {
    startFollower(dir);
    send(oldLeader, 2, null, List.of(entry(2, 0)), -1);
    send(newLeader, 3, null, List.of(), 0);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
        .until(() -> division().getRaftLog().getLastCommittedIndex() == 0);
    assertThat(send(newLeader, 3, null, List.of(entry(1, 0), entry(3, 1)), 1).getResult())
        .isEqualTo(AppendEntriesReplyProto.AppendResult.INCONSISTENCY);
    assertThat(send(newLeader, 3, TermIndex.valueOf(1, 0), List.of(entry(3, 1)), 1).getResult())
        .isEqualTo(AppendEntriesReplyProto.AppendResult.INCONSISTENCY);
  }

  @Test
  void serversUseTheCappedTransport() {
    RaftProperties p = RaftSetup.serverProperties(Settings.defaults(), Path.of("unused"), "127.0.0.1", 1);
    assertThat(RaftConfigKeys.Rpc.type(p, s -> { }).name()).isEqualTo(CommitCappedGrpc.class.getName());
  }

  private void startFollower(Path dir) throws Exception {
    oldLeader = RaftPeer.newBuilder().setId("old").setAddress("127.0.0.1:" + Ports.closedPort()).build();
    newLeader = RaftPeer.newBuilder().setId("new").setAddress("127.0.0.1:" + Ports.closedPort()).build();
    int port = Ports.closedPort();
    RaftPeer self = RaftPeer.newBuilder().setId("self").setAddress("127.0.0.1:" + port).build();
    group = RaftGroup.valueOf(RaftGroupId.randomId(), oldLeader, newLeader, self);
    Path storage = Files.createDirectories(dir.resolve("storage"));
    RaftProperties p = RaftSetup.serverProperties(Settings.defaults(), storage, "127.0.0.1", port);
    // This replica must stay a follower while requests are injected: no election of its own.
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(60, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(90, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(60, TimeUnit.SECONDS));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(90, TimeUnit.SECONDS));
    follower = RaftServer.newBuilder().setServerId(self.getId()).setGroup(group)
        .setStateMachine(new BaseStateMachine()).setProperties(p).setOption(RaftStorage.StartupOption.FORMAT)
        .build();
    follower.start();
  }

  private RaftServer.Division division() throws java.io.IOException {
    return follower.getDivision(group.getGroupId());
  }

  private LogEntryProto entry(long term, long index) {
    RaftConfigurationProto.Builder conf = RaftConfigurationProto.newBuilder();
    group.getPeers().forEach(peer -> conf.addPeers(peer.getRaftPeerProto()));
    return LogEntryProto.newBuilder().setTerm(term).setIndex(index).setConfigurationEntry(conf).build();
  }

  private AppendEntriesRequestProto request(RaftPeer leader, long term, TermIndex previous,
                                            List<LogEntryProto> entries, long leaderCommit) {
    AppendEntriesRequestProto.Builder r = AppendEntriesRequestProto.newBuilder()
        .setServerRequest(ClientProtoUtils.toRaftRpcRequestProtoBuilder(
            RaftGroupMemberId.valueOf(leader.getId(), group.getGroupId()), follower.getId()).setCallId(++callId))
        .setLeaderTerm(term).setLeaderCommit(leaderCommit).setInitializing(false).addAllEntries(entries);
    if (previous != null) {
      r.setPreviousLog(previous.toProto());
    }
    return r.build();
  }

  private AppendEntriesReplyProto send(RaftPeer leader, long term, TermIndex previous, List<LogEntryProto> entries,
                                       long leaderCommit) throws Exception {
    return follower.appendEntriesAsync(request(leader, term, previous, entries, leaderCommit)).get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (follower != null) {
      follower.close();
    }
  }
}
