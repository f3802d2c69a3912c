package io.pygmy.frontend;

import io.pygmy.config.NodeAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Round-robin over the replicas of one tier that are believed alive. A replica is marked down by a
 * failed heartbeat or a failed call, and up again by a successful heartbeat. Each call gets the whole
 * tier in try-order: the alive replicas rotated by one per call, then the down ones as a last resort.
 */
final class ReplicaPool {
  private final List<NodeAddress> replicas;
  private final AtomicIntegerArray alive;
  private final AtomicInteger next = new AtomicInteger();

  ReplicaPool(List<NodeAddress> replicas) {
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException("a pool needs replicas");
    }
    this.replicas = List.copyOf(replicas);
    this.alive = new AtomicIntegerArray(replicas.size());
    for (int i = 0; i < replicas.size(); i++) {
      alive.set(i, 1); // optimistic until the first heartbeat says otherwise
    }
  }

  /** The replicas in the order one call should try them. */
  List<NodeAddress> tryOrder() {
    boolean[] up = new boolean[replicas.size()];
    for (int i = 0; i < up.length; i++) {
      up[i] = alive.get(i) == 1;
    }
    List<NodeAddress> out = new ArrayList<>(replicas.size());
    for (int i : order(up, next.getAndIncrement())) {
      out.add(replicas.get(i));
    }
    return out;
  }

  /** Pure: indexes of alive replicas starting at {@code counter} modulo their number, then the dead ones. */
  static int[] order(boolean[] up, int counter) {
    int n = up.length;
    int aliveCount = 0;
    for (boolean u : up) {
      aliveCount += u ? 1 : 0;
    }
    int[] out = new int[n];
    int k = 0;
    if (aliveCount > 0) {
      int skip = Math.floorMod(counter, aliveCount);
      int[] aliveIdx = new int[aliveCount];
      int a = 0;
      for (int i = 0; i < n; i++) {
        if (up[i]) {
          aliveIdx[a++] = i;
        }
      }
      for (int j = 0; j < aliveCount; j++) {
        out[k++] = aliveIdx[(skip + j) % aliveCount];
      }
    }
    for (int i = 0; i < n; i++) {
      if (!up[i]) {
        out[k++] = i;
      }
    }
    return out;
  }

  void markUp(String name) {
    set(name, 1);
  }

  void markDown(String name) {
    set(name, 0);
  }

  boolean isUp(String name) {
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.get(i).name().equals(name)) {
        return alive.get(i) == 1;
      }
    }
    return false;
  }

  List<NodeAddress> replicas() {
    return replicas;
  }

  private void set(String name, int value) {
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.get(i).name().equals(name)) {
        alive.set(i, value);
      }
    }
  }
}
