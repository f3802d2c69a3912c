package io.pygmy.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.storage.MemoryStore;
import io.pygmy.storage.StagedWrites;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

/** Where each term began, so the leader knows the term of an applied entry purged from its log. */
class TermStartsTest {
  MemoryStore store = new MemoryStore();
  TermStarts starts = new TermStarts();

  void apply(long term, long index) {
    StagedWrites batch = store.stage();
    starts.applied(batch, TermIndex.valueOf(term, index));
    store.commit(batch);
    starts.committed(TermIndex.valueOf(term, index));
  }

  @Test
  void theTermOfAnyAppliedEntryIsKnownFromWhereItsTermBegan() {
    for (long i = 0; i < 10; i++) {
      apply(1, i);
    }
    for (long i = 10; i < 20; i++) {
      apply(3, i);
    }
    assertThat(starts.at(5)).isEqualTo(TermIndex.valueOf(1, 5));
    assertThat(starts.at(10)).isEqualTo(TermIndex.valueOf(3, 10));
    assertThat(starts.at(19)).isEqualTo(TermIndex.valueOf(3, 19));
    assertThat(starts.at(20)).as("not applied yet").isNull();
    assertThat(store.size()).as("one record per term").isEqualTo(2);
  }

  @Test
  void whatIsKnownSurvivesAReload() {
    apply(2, 7);
    apply(2, 8);
    apply(4, 9);
    TermStarts reloaded = new TermStarts();
    reloaded.load(store.latest(), TermIndex.valueOf(4, 9));
    assertThat(reloaded.at(8)).isEqualTo(TermIndex.valueOf(2, 8));
    assertThat(reloaded.at(9)).isEqualTo(TermIndex.valueOf(4, 9));
    assertThat(reloaded.at(6)).as("before the first known start").isNull();
  }
}
