package io.pygmy.cli;

import java.util.List;
import java.util.Random;

/**
 * The seed client's traffic: each step searches a random topic, looks up a random item or buys one,
 * with equal chance. Requests and restocks draw from separate generators, so a seed replays the same
 * request sequence however restocks interleave with it.
 */
final class TrafficPlan {
  static final List<String> TOPICS = List.of("ds", "gs");
  static final int ITEMS = 7;
  /** Mixed into the seed for the restock generator, so the two streams differ. */
  private static final long RESTOCK_STREAM = 0x5DEECE66DL;

  sealed interface Step permits Search, Lookup, Buy {}

  record Search(String topic) implements Step {}

  record Lookup(int item) implements Step {}

  record Buy(int item) implements Step {}

  private final Random requests;
  private final Random restocks;

  TrafficPlan(long seed) {
    this.requests = new Random(seed);
    this.restocks = new Random(seed ^ RESTOCK_STREAM);
  }

  Step next() {
    return switch (requests.nextInt(3)) {
      case 0 -> new Search(TOPICS.get(requests.nextInt(TOPICS.size())));
      case 1 -> new Lookup(1 + requests.nextInt(ITEMS));
      default -> new Buy(1 + requests.nextInt(ITEMS));
    };
  }

  int nextRestockItem() {
    return 1 + restocks.nextInt(ITEMS);
  }

  static String describe(Step step) {
    return switch (step) {
      case Search s -> "search " + s.topic();
      case Lookup l -> "lookup " + l.item();
      case Buy b -> "buy " + b.item();
    };
  }
}
