package io.pygmy.raft;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O around {@link GoneLeaderDetector}: every {@code intervalMillis} a follower tries a TCP
 * connection to its leader's Raft port, and when the detector says the leader's process is gone, it asks
 * its own Ratis server to start an election now. It does so through the request Ratis uses to hand
 * leadership over ({@code startLeaderElection}), sent in-process on behalf of the gone leader: the same
 * election Ratis runs for a transfer, with Ratis' own checks (this replica must follow that leader and
 * its log must be as long as the one it names, its own). Everything else about the election is Ratis'.
 */
final class LeaderWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderWatch.class);

  private final RaftServer server;
  private final RaftGroup group;
  private final RaftPeerId self;
  private final long intervalMillis;
  private final GoneLeaderDetector detector;
  private final List<String> members;
  private final PeerLogs peerLogs;
  private final AtomicLong callIds = new AtomicLong();
  private final LongAdder electionsStarted = new LongAdder();
  private final Thread thread;

  LeaderWatch(RaftServer server, RaftGroup group, RaftPeerId self, long intervalMillis, PeerLogs peerLogs) {
    if (intervalMillis <= 0) {
      throw new IllegalArgumentException("the probe interval must be positive, was " + intervalMillis);
    }
    this.server = server;
    this.group = group;
    this.self = self;
    this.intervalMillis = intervalMillis;
    this.detector = new GoneLeaderDetector(self.toString());
    this.members = group.getPeers().stream().map(p -> p.getId().toString()).toList();
    this.peerLogs = peerLogs;
    this.thread = Thread.ofVirtual().name(self + "-leader-watch").start(this::run);
  }

  /** Elections this replica started because its leader's process was gone. */
  long electionsStarted() {
    return electionsStarted.sum();
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        Thread.sleep(intervalMillis);
        try {
          watchOnce();
        } catch (IOException | RuntimeException e) {
          LOG.debug("{}: leader watch: {}", self, e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watchOnce() throws IOException {
    RaftServer.Division d = server.getDivision(group.getGroupId());
    var info = d.getInfo();
    RaftPeerId leader = info.getLeaderId();
    var view = new GoneLeaderDetector.View(info.isFollower(), leader == null ? null : leader.toString(),
        info.getCurrentTerm());
    if (!detector.shouldProbe(view)) {
      detector.observe(view, GoneLeaderDetector.Probe.UNKNOWN, () -> 0);
      return;
    }
    RaftPeer leaderPeer = group.getPeer(leader);
    if (leaderPeer == null) {
      return;
    }
    GoneLeaderDetector.Probe probe = probe(leaderPeer.getAddress());
    if (detector.observe(view, probe, () -> rank(d, leader.toString()))) {
      startElection(d, leader, view.term());
    }
  }

  /** This follower's place: the other followers are asked where their logs end. */
  private int rank(RaftServer.Division d, String leader) {
    Map<String, LogPosition> others = new HashMap<>();
    for (String m : members) {
      if (!m.equals(self.toString()) && !m.equals(leader)) {
        others.put(m, peerLogs.of(m).orElse(null));
      }
    }
    return GoneLeaderDetector.rank(self.toString(), LogPosition.of(d.getRaftLog().getLastEntryTermIndex()), others);
  }

  /** One TCP connection attempt to {@code hostPort}, bounded by the interval. */
  private GoneLeaderDetector.Probe probe(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) intervalMillis);
      return GoneLeaderDetector.Probe.ACCEPTED;
    } catch (ConnectException e) {
      // "Connection refused" is the kernel saying nothing listens; other ConnectExceptions are unknown.
      String m = String.valueOf(e.getMessage());
      return m.contains("refused") ? GoneLeaderDetector.Probe.REFUSED : GoneLeaderDetector.Probe.UNKNOWN;
    } catch (IOException | RuntimeException e) {
      return GoneLeaderDetector.Probe.UNKNOWN;
    }
  }

  private void startElection(RaftServer.Division d, RaftPeerId leader, long term) throws IOException {
    TermIndex last = d.getRaftLog().getLastEntryTermIndex();
    if (last == null) {
      return; // an empty log could not win a vote anyway
    }
    LOG.warn("{}: leader {} (term {}) refuses connections on its Raft port: its process is gone; starting an "
        + "election now instead of after the election timeout", self, leader, term);
    RaftRpcRequestProto rpc = RaftRpcRequestProto.newBuilder()
        .setRequestorId(leader.toByteString())
        .setReplyId(self.toByteString())
        .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(group.getGroupId().toByteString()))
        .setCallId(callIds.incrementAndGet())
        .build();
    StartLeaderElectionReplyProto reply = server.startLeaderElection(StartLeaderElectionRequestProto.newBuilder()
        .setServerRequest(rpc)
        .setLeaderLastEntry(last.toProto())
        .build());
    if (reply.getServerReply().getSuccess()) {
      electionsStarted.increment();
    } else {
      LOG.info("{}: Ratis declined the early election (the leader or term changed meanwhile, or the log "
          + "is behind); the election timeout applies", self);
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
