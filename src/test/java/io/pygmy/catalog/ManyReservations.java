package io.pygmy.catalog;

import io.pygmy.config.Settings;
import io.pygmy.http.Json;
import io.pygmy.raft.CheckpointSource;
import io.pygmy.storage.RocksStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Applies {@code count} reservations through the real catalog state machine on RocksDB, in log entries of
 * 256 as group commit makes them, and reports the heap in use along the way: run in a JVM with a small
 * heap by {@link CatalogStateMachineHeapIT}. Prints {@code DONE <reservations> <digest> <max heap MB>} on
 * success.
 *
 * <p>Usage: {@code ManyReservations DIR COUNT}
 */
public final class ManyReservations {
  static final int BOOKS = 1000;
  static final int PER_ENTRY = CatalogCommand.ReserveAll.MAX;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long count = Long.parseLong(args[1]);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "timer");
      t.setDaemon(true);
      return t;
    });
    InvalidationFanout fanout = new InvalidationFanout((f, i, k, all) -> null, timer, System::nanoTime, 1000, 20, 512,
        false);
    CatalogStateMachine machine = new CatalogStateMachine(CatalogLimits.from(Settings.defaults()), fanout,
        d -> RocksStore.open(d, RocksStore.Limits.defaults()), CheckpointSource.NONE, Long.MAX_VALUE);
    machine.open(dir);
    List<Book> books = new ArrayList<>();
    for (int i = 1; i <= BOOKS; i++) {
      books.add(new Book(i, "Book " + i, "t" + (i % 10), 10, 1_000_000_000L));
    }
    long index = 1;
    machine.applyEntry(TermIndex.valueOf(1, index++), Json.bytes(new CatalogCommand.Seed(books)));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long maxHeap = 0;
    long started = System.nanoTime();
    long stamp = 1_700_000_000_000L;
    for (long n = 0; n < count; ) {
      List<CatalogCommand.Reserve> batch = new ArrayList<>(PER_ENTRY);
      for (int i = 0; i < PER_ENTRY && n < count; i++, n++) {
        batch.add(new CatalogCommand.Reserve("order-" + n, (int) (n % BOOKS) + 1, 1, stamp + n / 100));
      }
      byte[] reply = machine.applyEntry(TermIndex.valueOf(1, index++),
          Json.bytes(new CatalogCommand.ReserveAll(batch))).reply();
      if (!Json.read(reply, CatalogReply.class).ok()) {
        throw new IllegalStateException("entry " + index + " refused: " + new String(reply));
      }
      if (index % 400 == 0) {
        System.gc();
        long used = memory.getHeapMemoryUsage().getUsed() >> 20;
        maxHeap = Math.max(maxHeap, used);
        System.out.printf("%,d reservations, %d MB heap after GC, %.0f s%n", n, used,
            (System.nanoTime() - started) / 1e9);
      }
    }
    CatalogReads reads = machine.reads();
    long reservations = machine.inspect(reads::reservationCount);
    List<String> problems = machine.inspect(reads::verify);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the store does not verify: " + problems);
    }
    System.out.printf("DONE %d %s %d%n", reservations, machine.inspect(reads::digest), maxHeap);
    machine.close();
  }

  private ManyReservations() {}
}
