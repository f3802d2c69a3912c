package io.pygmy.raft;

import org.apache.ratis.server.protocol.TermIndex;

/** Where a replica's Raft log ends: the term and index of its last entry. Later is longer, as Raft votes. */
public record LogPosition(long term, long index) implements Comparable<LogPosition> {
  static LogPosition of(TermIndex last) {
    return last == null ? new LogPosition(0, -1) : new LogPosition(last.getTerm(), last.getIndex());
  }

  @Override
  public int compareTo(LogPosition other) {
    return term != other.term ? Long.compare(term, other.term) : Long.compare(index, other.index);
  }
}
