package io.pygmy.bench;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Service;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The soak's catch-up measurement, on its own thread while the load runs: once {@code restartAt} orders
 * are confirmed, SIGKILL one catalog and one order follower, restart them after {@code down} (their data
 * deleted first with {@code wipe}), and time how long each takes to apply the index its group's leader
 * had committed when it was restarted.
 */
final class CatchUp {
  private static final Duration POLL = Duration.ofMillis(150);
  /** Bound on finding a leader and a follower of each group, before the kill and before each restart. */
  private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

  private final LocalCluster cluster;
  private final LongSupplier confirmed;
  private final long restartAt;
  private final Duration down;
  private final boolean wipe;
  private final Duration timeout;
  private final long t0;
  private final Progress progress;
  private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
  private final List<SoakResult.CatchUp> results = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private volatile boolean abort;
  private Thread thread;

  CatchUp(LocalCluster cluster, LongSupplier confirmed, long restartAt, Duration down, boolean wipe,
          Duration timeout, long t0, Progress progress) {
    this.cluster = cluster;
    this.confirmed = confirmed;
    this.restartAt = restartAt;
    this.down = down;
    this.wipe = wipe;
    this.timeout = timeout;
    this.t0 = t0;
    this.progress = progress;
  }

  void start() {
    thread = Thread.ofPlatform().daemon().name("bench-soak-catchup").start(this::run);
  }

  /** Stop waiting: killed followers are restarted at once (a cluster is never left short), nothing timed. */
  void abort() {
    abort = true;
  }

  /**
   * Waits for the measurement to end, bounded by the down time, the catch-up timeout and some margin;
   * when {@code stop} turns true meanwhile (Ctrl-C), aborts it and waits only for the restarts.
   */
  void await(BooleanSupplier stop) {
    if (thread == null) {
      return;
    }
    long deadline = System.nanoTime() + down.plus(timeout).plus(LEADER_WAIT.multipliedBy(3)).toNanos();
    try {
      while (thread.isAlive() && System.nanoTime() < deadline) {
        if (stop.getAsBoolean()) {
          abort();
        }
        thread.join(Duration.ofMillis(200));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What happened since the last call ("killed ...", "restarted ..."), for the interval's row. */
  List<String> drainEvents() {
    List<String> out = new ArrayList<>();
    for (String e = events.poll(); e != null; e = events.poll()) {
      out.add(e);
    }
    return out;
  }

  synchronized List<SoakResult.CatchUp> results() {
    return List.copyOf(results);
  }

  synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  private void run() {
    try {
      while (confirmed.getAsLong() < restartAt) {
        if (abort) {
          return;
        }
        pause(Duration.ofMillis(50));
      }
      Map<String, Service> victims = new LinkedHashMap<>();
      for (Service s : List.of(Service.CATALOG, Service.ORDER)) {
        follower(s).ifPresentOrElse(n -> victims.put(n, s), () -> note("no " + s.id()
            + " follower with a leader within " + LEADER_WAIT.toSeconds() + " s; none killed"));
      }
      if (victims.isEmpty()) {
        return;
      }
      Map<String, Long> killedAt = new LinkedHashMap<>();
      for (String name : victims.keySet()) {
        cluster.kill(name);
        killedAt.put(name, System.nanoTime());
      }
      event("killed " + String.join(", ", victims.keySet()));
      long upAt = System.nanoTime() + down.toNanos();
      while (!abort && System.nanoTime() < upAt) {
        pause(Duration.ofMillis(50));
      }
      Map<String, long[]> restarted = new LinkedHashMap<>(); // name -> {restartNanos, goalIndex}
      for (Map.Entry<String, Service> v : victims.entrySet()) {
        long goal = abort ? -1 : leaderCommit(v.getValue());
        if (wipe) {
          Store.deleteTree(cluster.dataDir().resolve(v.getKey()));
        }
        try {
          cluster.start(v.getKey());
        } catch (IllegalStateException e) {
          note(v.getKey() + " was running again before the bench restarted it: " + e.getMessage());
        }
        restarted.put(v.getKey(), new long[] {System.nanoTime(), goal});
      }
      event("restarted " + String.join(", ", victims.keySet()) + (wipe ? " (data wiped)" : ""));
      Map<String, Double> answered = new LinkedHashMap<>();
      Map<String, Double> caughtUp = abort ? Map.of() : awaitCaughtUp(restarted, answered);
      synchronized (this) {
        for (Map.Entry<String, Service> v : victims.entrySet()) {
          long[] r = restarted.get(v.getKey());
          Double secs = caughtUp.get(v.getKey());
          String detail = abort ? "stopped before it was measured" : r[1] < 0 ? "no leader to catch up with"
              : secs == null ? "not caught up within " + timeout.toSeconds() + " s" : "applied index " + r[1];
          results.add(new SoakResult.CatchUp(v.getValue().id(), v.getKey(), wipe,
              seconds(killedAt.get(v.getKey())), seconds(r[0]), r[1], answered.get(v.getKey()), secs, detail));
          progress.note(v.getKey() + ": " + (secs == null ? detail
              : String.format(Locale.ROOT, "caught up %.1f s after its restart, answering after %.1f s (%s)", secs,
                  answered.get(v.getKey()), detail)));
        }
      }
    } catch (IOException | RuntimeException e) {
      note("catch-up measurement failed: " + e);
    }
  }

  /** The first follower (by name) of a group that has a leader; polled until one is seen. */
  private Optional<String> follower(Service service) {
    long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
    while (!abort && System.nanoTime() < deadline) {
      boolean leader = false;
      String follower = null;
      for (NodeAddress n : cluster.config().nodes(service)) {
        Optional<NodeProbe.Status> s = NodeProbe.fetch(n);
        leader |= s.map(NodeProbe.Status::leads).orElse(false);
        if (follower == null && s.map(st -> "FOLLOWER".equals(st.role())).orElse(false)) {
          follower = n.name();
        }
      }
      if (leader && follower != null) {
        return Optional.of(follower);
      }
      pause(POLL);
    }
    return Optional.empty();
  }

  /** The commit index of the group's leader now; -1 when none answers within the bound. */
  private long leaderCommit(Service service) {
    long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
    while (!abort && System.nanoTime() < deadline) {
      for (NodeAddress n : cluster.config().nodes(service)) {
        Optional<NodeProbe.Status> s = NodeProbe.fetch(n).filter(NodeProbe.Status::leads);
        if (s.isPresent()) {
          return s.get().commitIndex();
        }
      }
      pause(POLL);
    }
    return -1;
  }

  /**
   * Seconds from each restart until the node's applied index reached its goal, absent if not in time;
   * {@code answered} gets the seconds until it first answered at all.
   */
  private Map<String, Double> awaitCaughtUp(Map<String, long[]> restarted, Map<String, Double> answered) {
    Map<String, Double> out = new LinkedHashMap<>();
    long measured = restarted.values().stream().filter(v -> v[1] >= 0).count();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!abort && out.size() < measured && System.nanoTime() < deadline) {
      for (Map.Entry<String, long[]> r : restarted.entrySet()) {
        if (out.containsKey(r.getKey()) || r.getValue()[1] < 0) {
          continue;
        }
        Optional<NodeProbe.Status> s = NodeProbe.fetch(cluster.config().node(r.getKey()));
        double since = Math.round((System.nanoTime() - r.getValue()[0]) / 1e6) / 1000.0;
        if (s.isPresent()) {
          answered.putIfAbsent(r.getKey(), since);
        }
        if (s.map(NodeProbe.Status::appliedIndex).orElse(-1L) >= r.getValue()[1]) {
          out.put(r.getKey(), since);
        }
      }
      pause(POLL);
    }
    return out;
  }

  private void event(String text) {
    events.add(String.format(Locale.ROOT, "%s at %.1f s", text, seconds(System.nanoTime())));
    progress.note(text);
  }

  private synchronized void note(String text) {
    notes.add("soak: " + text);
    progress.note(text);
  }

  private double seconds(long nanos) {
    return Math.round((nanos - t0) / 1e6) / 1000.0;
  }

  /** Pacing of the measurement's polls (not synchronisation). */
  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
