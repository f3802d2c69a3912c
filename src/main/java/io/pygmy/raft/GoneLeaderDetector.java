package io.pygmy.raft;

import java.util.function.IntSupplier;

/**
 * Decides when a follower should start an election at once because its leader's process is gone,
 * instead of waiting out Raft's election timeout (0.5-1 s here, plus a pre-vote round).
 *
 * <p>Evidence of a gone process is a refused connection to the leader's Raft port: the kernel answers
 * that way only when nothing listens there. A paused, overloaded or partitioned leader still accepts
 * connections or lets them time out, so it is never treated as gone; Raft's own timeout handles it.
 * Starting an election early is always safe in Raft (votes still require an up-to-date log and one vote
 * per term); the cost of a wrong guess is one needless election.
 *
 * <p>Two followers that noticed together would split the vote (each votes for itself), so only the
 * first by {@link #rank}, the longest log, asks, after {@link #REFUSALS_NEEDED} refusals in a row; it is
 * the one a vote can elect. The others leave it to that one, and to the election timeout if it fails: a
 * second early candidate only ever competed with the first (one did, in a test, because the first one's
 * vote request took 300 ms to leave a JVM that had never opened a connection to its peer). At most one
 * election per leader and term.
 *
 * <p>Pure: fed what the replica sees and what each probe found.
 */
final class GoneLeaderDetector {
  /** Consecutive refused probes before the leader counts as gone: one refusal could be a restart race. */
  static final int REFUSALS_NEEDED = 2;

  /** What one probe of the leader's Raft port found. */
  enum Probe {
    /** The connection was accepted: something listens there. */
    ACCEPTED,
    /** Refused: nothing listens at the leader's address. */
    REFUSED,
    /** Timed out or failed otherwise: unknown (paused, partitioned, overloaded). */
    UNKNOWN
  }

  /** What the replica sees of its group when it probes: role, the leader it knows, the term. */
  record View(boolean follower, String leader, long term) {
    boolean followsAnother(String self) {
      return follower && leader != null && !leader.equals(self);
    }
  }

  private final String self;
  private String trackedLeader;
  private long trackedTerm = -1;
  private int refusals;
  private boolean electionAsked;

  GoneLeaderDetector(String self) {
    if (self == null) {
      throw new IllegalArgumentException("a replica id is required");
    }
    this.self = self;
  }

  /** Whether the replica should probe its leader now (it follows a leader other than itself). */
  boolean shouldProbe(View view) {
    return view.followsAnother(self);
  }

  /**
   * Records one probe and says whether to start an election now.
   *
   * @param rank this follower's place among the leader's followers (0 first), see {@link #rank}: asked (it
   *     costs the shell a call to each other follower) only when enough refusals came in a row and no
   *     election was asked yet for this leader and term
   */
  boolean observe(View view, Probe probe, IntSupplier rank) {
    if (!view.followsAnother(self)) {
      reset(null, -1);
      return false;
    }
    if (!view.leader().equals(trackedLeader) || view.term() != trackedTerm) {
      reset(view.leader(), view.term());
    }
    if (electionAsked) {
      return false;
    }
    if (probe != Probe.REFUSED) {
      refusals = 0;
      return false;
    }
    if (++refusals < REFUSALS_NEEDED) {
      return false;
    }
    int place = rank.getAsInt();
    if (place < 0) {
      throw new IllegalArgumentException("rank must not be negative, was " + place);
    }
    electionAsked = place == 0;
    return electionAsked;
  }

  private void reset(String leader, long term) {
    trackedLeader = leader;
    trackedTerm = term;
    refusals = 0;
    electionAsked = false;
  }

  /**
   * This replica's place among the followers of a gone leader: how many of the other followers have a
   * longer log (later last entry), or one as long and a smaller id. Raft elects only a replica whose log
   * is at least as long as a majority's, so the longest log asks first and wins; a follower that did not
   * answer ({@code null} position) is not waited for. With the leader gone no entry arrives any more, so
   * every follower computes the same order.
   */
  static int rank(String self, LogPosition mine, java.util.Map<String, LogPosition> otherFollowers) {
    int rank = 0;
    for (var e : otherFollowers.entrySet()) {
      LogPosition theirs = e.getValue();
      if (e.getKey().equals(self) || theirs == null) {
        continue;
      }
      int c = theirs.compareTo(mine);
      if (c > 0 || c == 0 && e.getKey().compareTo(self) < 0) {
        rank++;
      }
    }
    return rank;
  }
}
