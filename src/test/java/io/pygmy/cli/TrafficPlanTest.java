package io.pygmy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TrafficPlanTest {
  static List<TrafficPlan.Step> steps(TrafficPlan plan, int n) {
    List<TrafficPlan.Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      steps.add(plan.next());
    }
    return steps;
  }

  @Property(tries = 200)
  void aSeedReplaysTheSameRequestsHoweverRestocksInterleave(@ForAll long seed) {
    TrafficPlan quiet = new TrafficPlan(seed);
    TrafficPlan busy = new TrafficPlan(seed);
    List<TrafficPlan.Step> withoutRestocks = steps(quiet, 50);
    List<TrafficPlan.Step> withRestocks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      if (i % 3 == 0) {
        busy.nextRestockItem();
      }
      withRestocks.add(busy.next());
    }
    assertThat(withRestocks).isEqualTo(withoutRestocks);
  }

  @Property(tries = 200)
  void everyStepNamesAKnownTopicOrItem(@ForAll long seed) {
    TrafficPlan plan = new TrafficPlan(seed);
    for (TrafficPlan.Step step : steps(plan, 100)) {
      switch (step) {
        case TrafficPlan.Search s -> assertThat(TrafficPlan.TOPICS).contains(s.topic());
        case TrafficPlan.Lookup l -> assertThat(l.item()).isBetween(1, TrafficPlan.ITEMS);
        case TrafficPlan.Buy b -> assertThat(b.item()).isBetween(1, TrafficPlan.ITEMS);
      }
      assertThat(plan.nextRestockItem()).isBetween(1, TrafficPlan.ITEMS);
    }
  }

  @Test
  void mixesAllThreeKindsOfRequest() {
    Set<Class<?>> kinds = new HashSet<>();
    steps(new TrafficPlan(1), 100).forEach(s -> kinds.add(s.getClass()));
    assertThat(kinds).containsExactlyInAnyOrder(TrafficPlan.Search.class, TrafficPlan.Lookup.class, TrafficPlan.Buy.class);
  }

  @Test
  void describesStepsAsTheCommandsThatWouldMakeThem() {
    assertThat(TrafficPlan.describe(new TrafficPlan.Search("ds"))).isEqualTo("search ds");
    assertThat(TrafficPlan.describe(new TrafficPlan.Lookup(3))).isEqualTo("lookup 3");
    assertThat(TrafficPlan.describe(new TrafficPlan.Buy(7))).isEqualTo("buy 7");
  }

  @Test
  void pacesAtAFixedRateWithoutBurstingAfterASlowRequest() {
    long now = System.nanoTime();
    long onTime = ClientCommands.Traffic.next(now + Duration.ofSeconds(10).toNanos(), Duration.ofSeconds(1));
    assertThat(onTime).isEqualTo(now + Duration.ofSeconds(11).toNanos());
    long late = ClientCommands.Traffic.next(now - Duration.ofSeconds(10).toNanos(), Duration.ofSeconds(1));
    assertThat(late).isGreaterThanOrEqualTo(now);
  }
}
