package io.pygmy.chaos;

import java.util.Random;
import java.util.function.LongPredicate;

/**
 * Network partitions. Not available yet: every node would need its own network namespace and address
 * (see docs/RELIABILITY.md); until then a run asked for partitions says so and skips that fault.
 */
final class Partitions {
  private final String unavailableBecause;

  private Partitions(String unavailableBecause) {
    this.unavailableBecause = unavailableBecause;
  }

  /** Why partitions cannot be injected here, or null when they can. */
  static Partitions probe() {
    return new Partitions("partitions need each node in its own network namespace, which this harness does not "
        + "set up yet; skipping the partition fault");
  }

  String unavailableBecause() {
    return unavailableBecause;
  }

  boolean available() {
    return unavailableBecause == null;
  }

  void isolate(String node, Random rng, LongPredicate waitOrStop, History history) {
    history.event("partition-skipped", node, unavailableBecause);
  }

  void healAll(History history) {
    // Nothing is ever cut while partitions are unavailable.
  }
}
