package io.pygmy.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import io.pygmy.http.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Injects faults on a schedule drawn from the seed: SIGKILL of a node (the group's leader half of the
 * time) and its restart a few seconds later, SIGSTOP for a few seconds then SIGCONT, optionally the loss
 * of a majority of one group, and network partitions when {@link Partitions} can make them. At most one
 * fault per group at a time, and a killed replica is back and caught up before its group is attacked
 * again, so a single fault never costs a group its majority (unless {@code majority} is asked for).
 * Groups are attacked independently: a catalog replica may be down while an order replica is paused.
 */
final class Nemesis implements Runnable {
  enum Fault { KILL, PAUSE, PARTITION, MAJORITY }

  /** Bounds of the schedule, in milliseconds. */
  record Timing(int gapMinMillis, int gapMaxMillis, int downMinMillis, int downMaxMillis, int pauseMinMillis,
                int pauseMaxMillis, int majorityMillis, Duration recoverTimeout) {
    static Timing defaults() {
      return new Timing(1500, 4000, 1500, 5000, 1000, 4000, 8000, Duration.ofSeconds(90));
    }
  }

  private final LocalCluster cluster;
  private final Random rng;
  private final List<Fault> faults;
  private final Partitions partitions;
  private final History history;
  private final Timing timing;
  private final HttpTransport http = new HttpTransport(Duration.ofSeconds(1));
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Set<String> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Groups with a fault in progress (or still recovering from one): no second fault strikes them. */
  private final Set<String> busy = new java.util.HashSet<>();
  private final List<Thread> running = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Nodes restarted after a kill and not yet caught up; those asked to crash again; those that did. */
  private final Set<String> recovering = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Set<String> rekill = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Set<String> rekilled = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile Thread thread;

  Nemesis(LocalCluster cluster, long seed, Set<Fault> faults, Partitions partitions, History history, Timing timing) {
    this.cluster = cluster;
    this.rng = new Random(seed ^ 0x5DEECE66DL);
    this.faults = List.copyOf(faults);
    this.partitions = partitions;
    this.history = history;
    this.timing = timing;
  }

  void start() {
    thread = Thread.ofPlatform().name("chaos-nemesis").daemon().start(this);
  }

  /** Stops injecting, waits for the current fault to end, and heals everything. */
  void stopAndHeal() {
    stop.countDown();
    if (thread != null) {
      try {
        thread.join(timing.recoverTimeout().toMillis() + 30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    heal();
    http.close();
  }

  @Override
  public void run() {
    if (faults.isEmpty()) {
      return;
    }
    while (!waitOrStop(between(timing.gapMinMillis(), timing.gapMaxMillis()))) {
      Fault fault = pickFault();
      Optional<String> target = fault == Fault.MAJORITY ? Optional.of("-") : pickTarget(fault != Fault.PARTITION);
      Set<String> groups = fault == Fault.MAJORITY ? Set.of(Service.CATALOG.id(), Service.ORDER.id())
          : target.map(t -> Set.of(groupOf(t))).orElse(Set.of());
      if (target.isEmpty() && fault == Fault.KILL) {
        // The group is still recovering: crash the restarting replica once more, mid-recovery.
        recovering.stream().filter(n -> !rekilled.contains(n)).findFirst().ifPresent(n -> {
          rekilled.add(n);
          rekill.add(n);
        });
        continue;
      }
      if (target.isEmpty() || !reserve(groups)) {
        continue; // every group is still recovering from an earlier fault
      }
      long holdMillis = switch (fault) {
        case KILL -> between(timing.downMinMillis(), timing.downMaxMillis());
        case PAUSE -> between(timing.pauseMinMillis(), timing.pauseMaxMillis());
        default -> timing.majorityMillis();
      };
      Service majorityOf = rng.nextBoolean() ? Service.CATALOG : Service.ORDER;
      // Each fault runs on its own thread, so a slow restart in one group does not stop faults in another.
      running.add(Thread.ofVirtual().name("chaos-fault").start(() -> {
        try {
          switch (fault) {
            case KILL -> killAndRestart(target.get(), holdMillis);
            case PAUSE -> pauseAndResume(target.get(), holdMillis);
            case MAJORITY -> loseMajority(majorityOf, holdMillis);
            case PARTITION -> partitions.isolate(target.get(), rng, this::waitOrStop, history);
          }
        } catch (IOException | RuntimeException e) {
          history.event("nemesis-error", target.get(), e.toString());
        } finally {
          release(groups);
        }
      }));
    }
    for (Thread t : running) {
      try {
        t.join(timing.recoverTimeout().toMillis() + 30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Kills weigh most, then pauses and partitions, then majority losses. */
  private Fault pickFault() {
    int total = faults.stream().mapToInt(Nemesis::weight).sum();
    int dice = rng.nextInt(total);
    for (Fault f : faults) {
      dice -= weight(f);
      if (dice < 0) {
        return f;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private static int weight(Fault f) {
    return switch (f) {
      case KILL -> 3;
      case PAUSE, PARTITION -> 2;
      case MAJORITY -> 1;
    };
  }

  /** Claims groups for one fault; false when one of them is still busy with another. */
  private synchronized boolean reserve(Set<String> groups) {
    for (String g : groups) {
      if (busy.contains(g)) {
        return false;
      }
    }
    busy.addAll(groups);
    return true;
  }

  private synchronized void release(Set<String> groups) {
    busy.removeAll(groups);
  }

  private String groupOf(String node) {
    return cluster.config().node(node).service().id();
  }

  // ---------------------------------------------------------------- faults

  private void killAndRestart(String node, long downMillis) throws IOException {
    String role = roleOf(node);
    killed.add(node);
    cluster.kill(node);
    history.event("kill", node, role);
    waitOrStop(downMillis);
    restart(node);
  }

  private void pauseAndResume(String node, long holdMillis) {
    String role = roleOf(node);
    paused.add(node);
    cluster.pause(node);
    history.event("pause", node, role);
    waitOrStop(holdMillis);
    cluster.resume(node);
    paused.remove(node);
    history.event("resume", node, "");
  }

  private void loseMajority(Service service, long holdMillis) throws IOException {
    List<String> replicas = new ArrayList<>(cluster.config().nodes(service).stream().map(NodeAddress::name).toList());
    java.util.Collections.shuffle(replicas, rng);
    List<String> victims = replicas.subList(0, replicas.size() / 2 + 1);
    for (String v : victims) {
      killed.add(v);
      cluster.kill(v);
    }
    history.event("majority-loss", String.join(",", victims), service.id() + " has no quorum");
    waitOrStop(holdMillis);
    for (String v : victims) {
      cluster.start(v);
      killed.remove(v);
      history.event("restart", v, "");
    }
    for (String v : victims) {
      awaitRecovered(cluster.config().node(v));
      history.event("recovered", v, "");
    }
  }

  private void restart(String node) throws IOException {
    cluster.start(node);
    killed.remove(node);
    history.event("restart", node, "");
    recovering.add(node);
    try {
      awaitRecovered(cluster.config().node(node));
    } finally {
      recovering.remove(node);
      rekilled.remove(node);
      rekill.remove(node);
    }
    history.event("recovered", node, "");
  }

  /** A kill of a node that is restarting after an earlier kill (at most once per restart). */
  private void killAgainWhileRecovering(String node) throws IOException {
    rekill.remove(node);
    killed.add(node);
    cluster.kill(node);
    history.event("kill", node, "while recovering");
    waitOrStop(between(timing.downMinMillis(), timing.downMaxMillis()));
    cluster.start(node);
    killed.remove(node);
    history.event("restart", node, "");
  }

  /** Resumes paused nodes and restarts killed ones; safe to call at any time, and more than once. */
  void heal() {
    for (String p : List.copyOf(paused)) {
      cluster.resume(p);
      paused.remove(p);
      history.event("resume", p, "heal");
    }
    if (partitions != null) {
      partitions.healAll(history);
    }
    for (String k : List.copyOf(killed)) {
      try {
        if (cluster.pid(k).isEmpty()) {
          cluster.start(k);
        }
        killed.remove(k);
        history.event("restart", k, "heal");
      } catch (IOException | RuntimeException e) {
        history.event("nemesis-error", k, "restart failed: " + e);
      }
    }
  }

  // ---------------------------------------------------------------- targets

  /** A random node of a group without a fault in progress; for replicas, the leader half of the time. */
  private Optional<String> pickTarget(boolean includeFrontends) {
    int dice = rng.nextInt(100);
    List<NodeAddress> frontends = cluster.config().nodes(Service.FRONTEND);
    Service service = includeFrontends && frontends.size() > 1 && dice < 15 ? Service.FRONTEND
        : rng.nextBoolean() ? Service.CATALOG : Service.ORDER;
    synchronized (this) {
      if (busy.contains(service.id())) {
        return Optional.empty();
      }
    }
    List<NodeAddress> nodes = cluster.config().nodes(service);
    NodeAddress random = nodes.get(rng.nextInt(nodes.size()));
    if (service.replicated() && rng.nextBoolean()) {
      return Optional.of(leader(service).orElse(random.name()));
    }
    return Optional.of(random.name());
  }

  private Optional<String> leader(Service service) {
    for (NodeAddress n : cluster.config().nodes(service)) {
      Optional<JsonNode> s = status(n);
      if (s.isPresent() && "LEADER".equals(s.get().path("raft").path("role").asText())) {
        return Optional.of(n.name());
      }
    }
    return Optional.empty();
  }

  /** The node's Raft role as it reports it (LEADER, FOLLOWER, ...), or "frontend". */
  private String roleOf(String node) {
    NodeAddress n = cluster.config().node(node);
    if (!n.service().replicated()) {
      return "frontend";
    }
    return status(n).map(s -> s.path("raft").path("role").asText("?")).orElse("?");
  }

  private Optional<JsonNode> status(NodeAddress n) {
    try {
      HttpConnection.Response r = http.get(n.httpUrl() + "/status", Duration.ofSeconds(1), null);
      return r.status() == 200 ? Optional.of(Json.MAPPER.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits until a restarted node answers and, for a replica, has applied what its group had committed:
   * only then may the next fault strike without costing the group its majority.
   */
  private void awaitRecovered(NodeAddress node) {
    long giveUp = System.nanoTime() + timing.recoverTimeout().toNanos();
    long target = -1;
    while (System.nanoTime() < giveUp && stop.getCount() > 0) {
      if (rekill.contains(node.name())) {
        try {
          killAgainWhileRecovering(node.name());
        } catch (IOException e) {
          history.event("nemesis-error", node.name(), "restart failed: " + e);
        }
        target = -1;
        continue;
      }
      Optional<JsonNode> s = status(node);
      if (s.isPresent()) {
        if (!node.service().replicated()) {
          return;
        }
        if (target < 0) {
          target = committed(node);
        }
        JsonNode raft = s.get().path("raft");
        if (!raft.path("leader").isNull() && raft.path("leader").isTextual() && raft.path("appliedIndex").asLong() >= target) {
          return;
        }
      }
      waitOrStop(200); // polling a condition with a deadline
    }
    if (stop.getCount() > 0) {
      history.event("nemesis-error", node.name(), "not recovered within " + timing.recoverTimeout().toSeconds() + " s");
    }
  }

  private long committed(NodeAddress restarted) {
    long max = 0;
    for (NodeAddress n : cluster.config().nodes(restarted.service())) {
      if (!n.equals(restarted)) {
        max = Math.max(max, status(n).map(s -> s.path("raft").path("commitIndex").asLong()).orElse(0L));
      }
    }
    return max;
  }

  // ---------------------------------------------------------------- time

  private int between(int min, int max) {
    return min + rng.nextInt(Math.max(1, max - min));
  }

  /** The schedule's own waiting. Returns true when the run is stopping. */
  boolean waitOrStop(long millis) {
    try {
      return stop.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
