package io.pygmy.bench;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.Service;
import io.pygmy.http.HttpConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic while the catalog leader, then the order leader, is killed (SIGKILL) and restarted: a
 * timeline in 100 ms buckets and, per kill, how long buys and reads went without a success.
 */
final class FailoverExperiment {
  static final long BUCKET_NANOS = 100_000_000L;
  /** Traffic before the first kill and after each restarted replica caught up, so each kill starts steady. */
  static final Duration STEADY = Duration.ofSeconds(3);
  /** How long traffic runs on after buys recover, before the killed node is restarted. */
  static final Duration AFTER_RECOVERY = Duration.ofSeconds(2);
  /** Bound on waiting for a leader to exist, and for buys to recover after a kill. */
  static final Duration LEADER_WAIT = Duration.ofSeconds(30);
  static final Duration RECOVERY_WAIT = Duration.ofSeconds(30);
  /** Bound on waiting for a restarted replica to catch up with its group before the next kill. */
  static final Duration REJOIN_WAIT = Duration.ofSeconds(30);

  private final Store store;
  private final LocalCluster cluster;
  private final List<Store.Book> readBooks;
  private final List<Store.Book> buyBooks;
  private final Progress progress;
  private final Queue<Request.Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong lastBuyOkStart = new AtomicLong(Long.MIN_VALUE);

  FailoverExperiment(Store store, LocalCluster cluster, List<Store.Book> readBooks, List<Store.Book> buyBooks,
                     Progress progress) {
    this.store = store;
    this.cluster = cluster;
    this.readBooks = readBooks;
    this.buyBooks = buyBooks;
    this.progress = progress;
  }

  BenchResult.Failover run(int buyClients, int readClients, long seed) {
    progress.phase(String.format("failover: %d buying and %d reading clients; kill and restart each leader",
        buyClients, readClients));
    long t0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int i = 0; i < buyClients + readClients; i++) {
      Workload w = i < buyClients ? Workload.BUY : Workload.LOOKUP;
      SplittableRandom random = seeds.split();
      threads.add(Thread.ofPlatform().daemon().name("bench-failover-" + i).start(() -> traffic(w, random)));
    }
    List<long[]> kills = new ArrayList<>();
    List<String[]> killed = new ArrayList<>();
    try {
      pause(STEADY);
      for (Service service : List.of(Service.CATALOG, Service.ORDER)) {
        String leader = awaitLeader(service);
        long killAt = System.nanoTime();
        cluster.kill(leader);
        progress.note("killed " + service.id() + " leader " + leader);
        long recoverBy = killAt + RECOVERY_WAIT.toNanos();
        while (lastBuyOkStart.get() < killAt && System.nanoTime() < recoverBy) {
          pause(Duration.ofMillis(20));
        }
        pause(AFTER_RECOVERY);
        long restartAt = System.nanoTime();
        restart(leader);
        kills.add(new long[] {killAt, restartAt});
        killed.add(new String[] {service.id(), leader});
        // The next kill starts from a whole cluster: a restarted JVM still starting and catching up
        // would take CPU from, and slow, the next group's recovery, which is not what that measures.
        awaitRejoined(service, leader);
        pause(STEADY);
      }
    } finally {
      stop.set(true);
      Load.awaitAll(threads, () -> { });
    }
    List<Request.Outcome> all = new ArrayList<>(outcomes);
    List<BenchResult.Kill> killResults = new ArrayList<>();
    for (int i = 0; i < kills.size(); i++) {
      long killAt = kills.get(i)[0];
      long restartAt = kills.get(i)[1];
      killResults.add(new BenchResult.Kill(killed.get(i)[0], killed.get(i)[1], (killAt - t0) / 1_000_000,
          (restartAt - t0) / 1_000_000, unavailableMillis(successEnds(all, Request.Kind.BUY), killAt, restartAt),
          unavailableMillis(successEnds(all, Request.Kind.LOOKUP), killAt, restartAt)));
    }
    long ok = all.stream().filter(Request.Outcome::ok).count();
    return new BenchResult.Failover(buyClients, readClients, killResults, buckets(all, t0), ok, all.size() - ok);
  }

  private void traffic(Workload w, SplittableRandom random) {
    try (HttpConnection c = store.connect()) {
      while (!stop.get()) {
        Request.Outcome o = w.next(random, readBooks, buyBooks).send(c);
        outcomes.add(o);
        if (o.kind() == Request.Kind.BUY && o.ok()) {
          lastBuyOkStart.accumulateAndGet(o.startNanos(), Math::max);
        }
      }
    }
  }

  private String awaitLeader(Service service) {
    long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> leader = store.leader(service);
      if (leader.isPresent()) {
        return leader.get();
      }
      pause(Duration.ofMillis(100));
    }
    throw new IllegalStateException("no " + service.id() + " leader within " + LEADER_WAIT.toSeconds() + " s");
  }

  private void awaitRejoined(Service service, String name) {
    long deadline = System.nanoTime() + REJOIN_WAIT.toNanos();
    while (!store.rejoined(service, name)) {
      if (System.nanoTime() > deadline) {
        progress.note(name + " had not caught up " + REJOIN_WAIT.toSeconds() + " s after its restart; going on");
        return;
      }
      pause(Duration.ofMillis(100));
    }
    progress.note(name + " caught up with its group");
  }

  private void restart(String name) {
    try {
      cluster.start(name);
      progress.note("restarted " + name);
    } catch (IllegalStateException e) {
      progress.note(name + " was already running again (restarted by its supervisor?): " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart " + name, e);
    }
  }

  static long[] successEnds(List<Request.Outcome> outcomes, Request.Kind kind) {
    return outcomes.stream().filter(o -> o.kind() == kind && o.ok()).mapToLong(Request.Outcome::endNanos)
        .sorted().toArray();
  }

  /**
   * The longest stretch within (killAt, until] with no successful answer, counting from the kill: how long
   * the store was unavailable to this kind of request. Null when nothing succeeded in that window.
   */
  static Long unavailableMillis(long[] sortedSuccessEnds, long killAt, long until) {
    long previous = killAt;
    long longest = -1;
    for (long t : sortedSuccessEnds) {
      if (t <= killAt) {
        continue;
      }
      if (t > until) {
        break;
      }
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return longest < 0 ? null : longest / 1_000_000;
  }

  /** Outcomes by the 100 ms bucket they ended in, from {@code t0}; "ok" is any answer but an error. */
  static List<BenchResult.Bucket> buckets(List<Request.Outcome> outcomes, long t0) {
    long last = outcomes.stream().mapToLong(Request.Outcome::endNanos).max().orElse(t0);
    int n = (int) ((last - t0) / BUCKET_NANOS) + 1;
    int[] ok = new int[n];
    int[] errors = new int[n];
    double[] sum = new double[n];
    double[] max = new double[n];
    for (Request.Outcome o : outcomes) {
      int b = (int) ((o.endNanos() - t0) / BUCKET_NANOS);
      if (b < 0 || b >= n) {
        continue;
      }
      if (o.result() != Request.Result.ERROR) {
        ok[b]++; // out of stock is a correct answer, not unavailability
      } else {
        errors[b]++;
      }
      double ms = o.latencyNanos() / 1e6;
      sum[b] += ms;
      max[b] = Math.max(max[b], ms);
    }
    List<BenchResult.Bucket> out = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      int count = ok[b] + errors[b];
      out.add(new BenchResult.Bucket(b * 100L, ok[b], errors[b],
          count == 0 ? 0 : Math.round(sum[b] / count * 1000) / 1000.0, Math.round(max[b] * 1000) / 1000.0));
    }
    return out;
  }

  /** Waiting out a phase of the experiment while the traffic threads run (not synchronisation). */
  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
