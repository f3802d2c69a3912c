package io.pygmy.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.catalog.Reservation;
import io.pygmy.catalog.Reservation.Status;
import io.pygmy.http.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The order log fed every reservation of a catalog, in any order and with duplicates, as a coordinator
 * and a reconciler racing each other would record them.
 */
class OrderLogProperties {

  /** A recording schedule: reservations 1..n, each at least once, shuffled, some repeated. */
  record Schedule(List<Reservation> distinct, List<Reservation> recordings) {}

  @Provide
  Arbitrary<Schedule> schedules() {
    return Arbitraries.integers().between(1, 60).flatMap(n ->
        Arbitraries.of(Status.values()).list().ofSize(n).flatMap(statuses -> {
          List<Reservation> distinct = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            long seq = i + 1L;
            distinct.add(new Reservation(seq, "key-" + seq, 1 + i % 4, 1 + i % 3, 5 + i % 7, statuses.get(i), seq * 10));
          }
          return Arbitraries.integers().between(0, n - 1).list().ofMaxSize(n).flatMap(extra -> {
            List<Reservation> all = new ArrayList<>(distinct);
            extra.forEach(i -> all.add(distinct.get(i)));
            return Arbitraries.shuffle(all).map(shuffled -> new Schedule(distinct, shuffled));
          });
        }));
  }

  static OrderReply record(OrderLog log, Reservation r) {
    return log.apply(new OrderCommand.Record(r));
  }

  @Property(tries = 300)
  void everyScheduleEndsWithOneOrderPerReservationAndTheWatermarkAtTheTop(@ForAll("schedules") Schedule s) {
    OrderLog log = new OrderLog(1_000);
    s.recordings().forEach(r -> record(log, r));

    int n = s.distinct().size();
    assertThat(log.count()).isEqualTo(n);
    assertThat(log.reconciledThroughSeq()).isEqualTo(n);
    assertThat(log.confirmedCount() + log.rejectedCount()).isEqualTo(log.count());
    assertThat(log.confirmedCount())
        .isEqualTo(s.distinct().stream().filter(r -> r.status() == Status.RESERVED).count());
    for (Reservation r : s.distinct()) {
      Order o = log.byKey(r.key()).orElseThrow();
      assertThat(o.catalogSeq()).isEqualTo(r.seq());
      assertThat(o.confirmed()).isEqualTo(r.status() == Status.RESERVED);
      assertThat(o.totalCost()).isEqualTo(r.unitCost() * r.quantity());
    }
  }

  @Property(tries = 300)
  void theWatermarkIsAlwaysTheTopOfTheContiguousRecordedPrefix(@ForAll("schedules") Schedule s) {
    OrderLog log = new OrderLog(1_000);
    Set<Long> recorded = new HashSet<>();
    for (Reservation r : s.recordings()) {
      record(log, r);
      recorded.add(r.seq());
      long prefix = 0;
      while (recorded.contains(prefix + 1)) {
        prefix++;
      }
      assertThat(log.reconciledThroughSeq()).isEqualTo(prefix);
      for (long seq = 1; seq <= s.distinct().size(); seq++) {
        assertThat(log.recorded(seq)).isEqualTo(recorded.contains(seq));
      }
    }
  }

  @Property(tries = 300)
  void theFirstRecordingCreatesTheOrderAndEveryLaterOneReplaysIt(@ForAll("schedules") Schedule s) {
    OrderLog log = new OrderLog(1_000);
    Map<String, Order> first = new HashMap<>();
    for (Reservation r : s.recordings()) {
      OrderReply reply = record(log, r);
      assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.OK);
      if (first.containsKey(r.key())) {
        assertThat(reply.replayed()).isTrue();
        assertThat(reply.order()).isEqualTo(first.get(r.key()));
      } else {
        assertThat(reply.replayed()).isFalse();
        assertThat(reply.order()).isEqualTo(Order.of(r)); // what the coordinator answered before recording
        first.put(r.key(), reply.order());
      }
    }
  }

  @Property(tries = 300)
  void everyRecordingOrderEndsInTheSameState(@ForAll("schedules") Schedule s) {
    OrderLog shuffled = new OrderLog(1_000);
    s.recordings().forEach(r -> record(shuffled, r));
    OrderLog inSeqOrder = new OrderLog(1_000);
    s.distinct().forEach(r -> record(inSeqOrder, r));
    assertThat(shuffled.digest()).isEqualTo(inSeqOrder.digest());
    assertThat(shuffled.snapshot()).isEqualTo(inSeqOrder.snapshot());
    assertThat(shuffled.recent(1_000)).extracting(Order::id).isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Property(tries = 300)
  void duplicatesLeaveNoTraceInTheDigest(@ForAll("schedules") Schedule s) {
    OrderLog withDuplicates = new OrderLog(1_000);
    s.recordings().forEach(r -> record(withDuplicates, r));
    OrderLog firstsOnly = new OrderLog(1_000);
    Set<Long> seen = new HashSet<>();
    s.recordings().stream().filter(r -> seen.add(r.seq())).forEach(r -> record(firstsOnly, r));
    assertThat(withDuplicates.digest()).isEqualTo(firstsOnly.digest());
  }

  @Property(tries = 200)
  void aRestoredSnapshotContinuesIdentically(@ForAll("schedules") Schedule s,
                                             @ForAll @IntRange(min = 0, max = 100) int cutPercent) {
    List<Reservation> all = s.recordings();
    int cut = all.size() * cutPercent / 100;
    OrderLog original = new OrderLog(1_000);
    all.subList(0, cut).forEach(r -> record(original, r));
    OrderLog restored = OrderLog.restore(Json.read(Json.bytes(original.snapshot()), OrderLog.Snapshot.class), 1_000);
    assertThat(restored.digest()).isEqualTo(original.digest());
    assertThat(restored.reconciledThroughSeq()).isEqualTo(original.reconciledThroughSeq());

    for (Reservation r : all.subList(cut, all.size())) {
      assertThat(record(restored, r)).isEqualTo(record(original, r));
    }
    assertThat(restored.digest()).isEqualTo(original.digest());
  }

  @Property(tries = 200)
  void capacityBoundsTheOrdersButNeverTheReplays(@ForAll("schedules") Schedule s,
                                                  @ForAll @IntRange(min = 1, max = 30) int capacity) {
    OrderLog log = new OrderLog(capacity);
    Set<String> admitted = new HashSet<>();
    for (Reservation r : s.recordings()) {
      OrderReply reply = record(log, r);
      if (admitted.contains(r.key())) {
        assertThat(reply.replayed()).isTrue();
      } else if (admitted.size() < capacity) {
        assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.OK);
        admitted.add(r.key());
      } else {
        assertThat(reply.outcome()).isEqualTo(OrderReply.Outcome.CAPACITY_EXHAUSTED);
      }
    }
    assertThat(log.count()).isEqualTo(Math.min(capacity, s.distinct().size()));
  }
}
