package io.pygmy.raft;

import io.pygmy.storage.KeyValues;
import io.pygmy.storage.Keys;
import io.pygmy.storage.StagedWrites;
import io.pygmy.storage.Values;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * The index at which each term's entries begin, kept in the store next to the applied index (one record
 * per term: a handful after years). With it a leader knows the term of any applied entry, also of one
 * purged from its log: Ratis' leader needs the term of the entry just before a follower's next index, and
 * when that entry was purged and is not exactly its latest snapshot it knows no better than to ask the
 * follower to install a snapshot, which a follower that already holds that entry answers "already
 * installed", for ever (seen in ChaosIT: a restarted follower exactly at the leader's log start).
 *
 * <p>Written on the apply thread; read by the leader's log appenders.
 */
final class TermStarts {
  private static final int TABLE = 0x02;

  private final TreeMap<Long, Long> starts = new TreeMap<>();
  private volatile long appliedIndex = -1;

  /** Replaces what is known with what {@code state} holds (at open, after a checkpoint is installed). */
  synchronized void load(KeyValues state, TermIndex applied) {
    starts.clear();
    byte[] table = {TABLE};
    for (KeyValues.Entry e : state.scan(table, Keys.end(table), Integer.MAX_VALUE)) {
      starts.put(new Keys.Reader(e.key()).i64(), Values.reader(e.value()).varlong());
    }
    appliedIndex = applied == null ? -1 : applied.getIndex();
  }

  /** Records {@code ti} as applied, in {@code batch}: a term's first entry is remembered. */
  synchronized void applied(StagedWrites batch, TermIndex ti) {
    Map.Entry<Long, Long> last = starts.lastEntry();
    if (last == null || ti.getTerm() > last.getValue()) {
      starts.put(ti.getIndex(), ti.getTerm());
      batch.put(Keys.of(TABLE).i64(ti.getIndex()).build(), Values.writer().varlong(ti.getTerm()).build());
    }
  }

  /** Called once the batch that recorded {@code ti} is committed. */
  void committed(TermIndex ti) {
    appliedIndex = ti.getIndex();
  }

  /** The term and index of an applied entry, or null when it is not applied here or its term is unknown. */
  synchronized TermIndex at(long index) {
    if (index < 0 || index > appliedIndex) {
      return null;
    }
    Map.Entry<Long, Long> start = starts.floorEntry(index);
    return start == null ? null : TermIndex.valueOf(start.getValue(), index);
  }
}
