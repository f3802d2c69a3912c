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

  static OrderReply record(StoredOrderLog log, Reservation r) {
    return log.apply(new OrderCommand.Record(r));
  }

  @Property(tries = 300)
  void everyScheduleEndsWithOneOrderPerReservationAndTheWatermarkAtTheTop(@ForAll("schedules") Schedule s) {
    StoredOrderLog log = new StoredOrderLog();
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
    StoredOrderLog log = new StoredOrderLog();
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
    StoredOrderLog log = new StoredOrderLog();
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
    StoredOrderLog shuffled = new StoredOrderLog();
    s.recordings().forEach(r -> record(shuffled, r));
    StoredOrderLog inSeqOrder = new StoredOrderLog();
    s.distinct().forEach(r -> record(inSeqOrder, r));
    assertThat(shuffled.digest()).isEqualTo(inSeqOrder.digest());
    assertThat(shuffled.page(0, 1_000)).isEqualTo(inSeqOrder.page(0, 1_000));
    assertThat(shuffled.verify()).isEmpty();
    assertThat(shuffled.recent(1_000)).extracting(Order::id).isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Property(tries = 300)
  void duplicatesLeaveNoTraceInTheDigest(@ForAll("schedules") Schedule s) {
    StoredOrderLog withDuplicates = new StoredOrderLog();
    s.recordings().forEach(r -> record(withDuplicates, r));
    StoredOrderLog firstsOnly = new StoredOrderLog();
    Set<Long> seen = new HashSet<>();
    s.recordings().stream().filter(r -> seen.add(r.seq())).forEach(r -> record(firstsOnly, r));
    assertThat(withDuplicates.digest()).isEqualTo(firstsOnly.digest());
  }

  @Property(tries = 200)
  void pagingReturnsEveryOrderExactlyOnceInIdOrder(@ForAll("schedules") Schedule s,
                                                   @ForAll @IntRange(min = 1, max = 7) int pageSize) {
    StoredOrderLog log = new StoredOrderLog();
    s.recordings().forEach(r -> record(log, r));
    List<Long> seen = new ArrayList<>();
    long after = 0;
    for (List<Order> page = log.page(after, pageSize); !page.isEmpty(); page = log.page(after, pageSize)) {
      assertThat(page.size()).isLessThanOrEqualTo(pageSize);
      page.forEach(o -> seen.add(o.id()));
      after = page.get(page.size() - 1).id();
    }
    assertThat(seen).containsExactlyElementsOf(s.distinct().stream().map(Reservation::seq).toList());
  }
}
