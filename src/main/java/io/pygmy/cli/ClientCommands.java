package io.pygmy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.client.StoreClient;
import io.pygmy.client.StoreException;
import io.pygmy.client.StoreUnreachableException;
import io.pygmy.config.Service;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Commands that use the store through its public API, as a customer or the store's admin would:
 * exit 0 when it worked, 1 when the store answered with an error, 2 on a usage error, 3 when the store
 * could not be reached.
 */
public final class ClientCommands {
  static final int OK = 0;
  static final int ERROR_RESPONSE = 1;
  static final int UNREACHABLE = 3;

  private ClientCommands() {}

  abstract static class ClientCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
        description = "The frontend to talk to. Default: the first frontend of the config (http://127.0.0.1:8080).")
    String url;

    @Option(names = "--json", description = "Print the store's JSON answer instead of text.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "15s", converter = DurationText.class,
        description = "Bound on each request (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    abstract int run(StoreClient store);

    @Override
    public Integer call() {
      try (StoreClient store = new StoreClient(url != null ? url : defaultUrl(), timeout)) {
        return run(store);
      } catch (StoreException e) {
        if (json && e.body() != null) {
          out().println(e.body());
        } else {
          err().println("pygmy: " + ClientOutput.error(e));
        }
        return ERROR_RESPONSE;
      } catch (StoreUnreachableException e) {
        err().println("pygmy: store unreachable: " + e.getMessage()
            + (e.timedOut() ? " (a write may still have happened; retry it with the same --key)" : "")
            + "\n       Is the cluster up? Start it with `pygmy up`; see it with `pygmy status`.");
        return UNREACHABLE;
      }
    }

    String defaultUrl() {
      return options.load().nodes(Service.FRONTEND).get(0).httpUrl();
    }

    /** Prints the raw JSON with --json, else the text. */
    int print(StoreClient.Reply<?> reply, String text) {
      out().println(json ? reply.body().toString() : text.stripTrailing());
      return OK;
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    /** PYGMY_ADMIN_TOKEN, else DIR/admin-token, which the frontend writes when it first starts. */
    String adminToken() {
      String fromEnv = System.getenv("PYGMY_ADMIN_TOKEN");
      if (fromEnv != null && !fromEnv.isBlank()) {
        return fromEnv.trim();
      }
      Path file = options.adminTokenFile();
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no admin token: set PYGMY_ADMIN_TOKEN, or point --data at the "
            + "cluster's data directory (its frontend writes DIR/admin-token); there is no " + file);
      }
      try {
        String token = Files.readString(file).trim();
        if (token.isEmpty()) {
          throw new IllegalArgumentException(file + " is empty");
        }
        return token;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the admin token " + file + ": " + e.getMessage(), e);
      }
    }
  }

  static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be a positive integer, was " + value);
    }
    return value;
  }

  @Command(name = "search", mixinStandardHelpOptions = true, description = "List the books of a topic (ds, gs).")
  public static final class Search extends ClientCommand {
    @Parameters(paramLabel = "TOPIC", description = "A topic, e.g. ds (distributed systems) or gs (graduate school).")
    String topic;

    @Override
    int run(StoreClient store) {
      StoreClient.Reply<java.util.List<StoreClient.Book>> r = store.search(topic);
      return print(r, ClientOutput.books(r.value()));
    }
  }

  @Command(name = "lookup", mixinStandardHelpOptions = true, description = "Show one book: title, topic, cost, stock.")
  public static final class Lookup extends ClientCommand {
    @Parameters(paramLabel = "ITEM", description = "The book's id.")
    int item;

    @Override
    int run(StoreClient store) {
      StoreClient.Reply<StoreClient.Book> r = store.lookup(positive(item, "ITEM"));
      return print(r, ClientOutput.books(java.util.List.of(r.value())));
    }
  }

  @Command(name = "buy", mixinStandardHelpOptions = true,
      description = "Buy a book. Exit 1 when it is out of stock. With --key a retry never buys twice.")
  public static final class Buy extends ClientCommand {
    @Parameters(paramLabel = "ITEM", description = "The book's id.")
    int item;

    @Option(names = {"-n", "--quantity"}, paramLabel = "N", defaultValue = "1", description = "Copies (default: 1).")
    int quantity;

    @Option(names = "--key", paramLabel = "KEY", description = "Idempotency key: the same key is the same order.")
    String key;

    @Override
    int run(StoreClient store) {
      StoreClient.Reply<StoreClient.Purchase> r = store.buy(positive(item, "ITEM"), positive(quantity, "--quantity"), key);
      print(r, ClientOutput.purchase(item, r.value()));
      return r.value().bought() ? OK : ERROR_RESPONSE;
    }
  }

  @Command(name = "restock", mixinStandardHelpOptions = true,
      description = "Admin: add copies of a book. The token comes from PYGMY_ADMIN_TOKEN or DIR/admin-token.")
  public static final class Restock extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ITEM", description = "The book's id.")
    int item;

    @Parameters(index = "1", paramLabel = "QUANTITY", description = "Copies to add.")
    long quantity;

    @Option(names = "--key", paramLabel = "KEY", description = "Idempotency key: the same key restocks once.")
    String key;

    @Override
    int run(StoreClient store) {
      if (quantity < 1) {
        throw new IllegalArgumentException("QUANTITY must be positive, was " + quantity);
      }
      StoreClient.Reply<StoreClient.BookUpdate> r = store.restock(positive(item, "ITEM"), quantity, key, adminToken());
      return print(r, ClientOutput.update("restocked +" + quantity, r.value()));
    }
  }

  @Command(name = "set-cost", mixinStandardHelpOptions = true,
      description = "Admin: change a book's cost. The token comes from PYGMY_ADMIN_TOKEN or DIR/admin-token.")
  public static final class SetCost extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ITEM", description = "The book's id.")
    int item;

    @Parameters(index = "1", paramLabel = "COST", description = "The new cost, in whole currency units.")
    long cost;

    @Override
    int run(StoreClient store) {
      if (cost < 0) {
        throw new IllegalArgumentException("COST must not be negative, was " + cost);
      }
      StoreClient.Reply<StoreClient.BookUpdate> r = store.setCost(positive(item, "ITEM"), cost, adminToken());
      return print(r, ClientOutput.update("cost set to " + cost, r.value()));
    }
  }

  /** Not {@code order ID}: {@code pygmy order} runs an order replica. */
  @Command(name = "orders", mixinStandardHelpOptions = true,
      description = "Show one order by id, the order placed with an idempotency key, or the latest orders.")
  public static final class Orders extends ClientCommand {
    @Parameters(arity = "0..1", paramLabel = "ID", description = "Show this order.")
    Long id;

    @Option(names = "--key", paramLabel = "KEY", description = "Show the order placed with this idempotency key.")
    String key;

    @Option(names = "--recent", paramLabel = "N", defaultValue = "10",
        description = "Without ID or --key: how many of the latest orders (default: ${DEFAULT-VALUE}).")
    int recent;

    @Override
    int run(StoreClient store) {
      if (id != null && key != null) {
        throw new IllegalArgumentException("give an order ID or --key, not both");
      }
      if (id != null) {
        if (id < 1) {
          throw new IllegalArgumentException("ID must be a positive integer, was " + id);
        }
        StoreClient.Reply<StoreClient.Order> r = store.order(id);
        return print(r, ClientOutput.order(r.value()));
      }
      if (key != null) {
        StoreClient.Reply<StoreClient.Order> r = store.orderByKey(key);
        return print(r, ClientOutput.order(r.value()));
      }
      StoreClient.Reply<java.util.List<StoreClient.Order>> r = store.recentOrders(positive(recent, "--recent"));
      return print(r, ClientOutput.orders(r.value()));
    }
  }

  @Command(name = "client", mixinStandardHelpOptions = true,
      description = {"The seed's client: random searches, lookups and buys, one every --interval, until Ctrl-C.",
          "Failures are printed and the loop goes on, so you can watch the store ride out a crash."})
  public static final class Traffic extends ClientCommand {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s", converter = DurationText.class,
        description = "Time between two requests, e.g. 500ms or 2s (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N requests (default: run until Ctrl-C).")
    Integer count;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random choices, to replay a sequence.")
    Long seed;

    @Option(names = "--restock-every", paramLabel = "DURATION", converter = DurationText.class,
        description = "Also restock a random book this often (admin token needed).")
    Duration restockEvery;

    @Option(names = "--restock-amount", paramLabel = "N", defaultValue = "2",
        description = "Copies per restock (default: ${DEFAULT-VALUE}).")
    int restockAmount;

    private final Tally tally = new Tally();

    @Override
    int run(StoreClient store) {
      if (count != null) {
        positive(count, "--count");
      }
      positive(restockAmount, "--restock-amount");
      String token = restockEvery == null ? null : adminToken();
      long chosenSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1_000_000);
      TrafficPlan plan = new TrafficPlan(chosenSeed);
      out().println("pygmy client -> " + store.baseUrl() + ": a request every " + DurationText.format(interval)
          + (restockEvery == null ? "" : ", a restock of " + restockAmount + " every " + DurationText.format(restockEvery))
          + (count == null ? ", until Ctrl-C" : ", " + count + " requests") + " (seed " + chosenSeed + ")");
      Thread summaryOnExit = new Thread(() -> {
        out().println(tally.summary());
        out().flush();
      }, "client-summary");
      Runtime.getRuntime().addShutdownHook(summaryOnExit);
      long nextRequestNanos = System.nanoTime();
      long nextRestockNanos = restockEvery == null ? Long.MAX_VALUE : nextRequestNanos + restockEvery.toNanos();
      while (count == null || tally.requests() < count) {
        if (nextRestockNanos - nextRequestNanos < 0) {
          sleepUntil(nextRestockNanos);
          restock(store, plan.nextRestockItem(), token);
          nextRestockNanos = next(nextRestockNanos, restockEvery);
        } else {
          sleepUntil(nextRequestNanos);
          request(store, plan.next());
          nextRequestNanos = next(nextRequestNanos, interval);
        }
      }
      Runtime.getRuntime().removeShutdownHook(summaryOnExit);
      out().println(tally.summary());
      return tally.exitCode();
    }

    /** Fixed rate; after a request slower than the interval, the next one starts at once (no burst to catch up). */
    static long next(long dueNanos, Duration period) {
      return Math.max(dueNanos + period.toNanos(), System.nanoTime());
    }

    private void request(StoreClient store, TrafficPlan.Step step) {
      String what = TrafficPlan.describe(step);
      LocalTime sentAt = LocalTime.now();
      try {
        StoreClient.Reply<?> r;
        String result;
        switch (step) {
          case TrafficPlan.Search s -> {
            var reply = store.search(s.topic());
            r = reply;
            result = ClientOutput.booksInLine(reply.value());
          }
          case TrafficPlan.Lookup l -> {
            var reply = store.lookup(l.item());
            r = reply;
            result = ClientOutput.bookInLine(reply.value());
          }
          case TrafficPlan.Buy b -> {
            var reply = store.buy(b.item(), 1, null);
            r = reply;
            result = ClientOutput.purchaseInLine(reply.value());
          }
        }
        line(sentAt, r.latencyNanos(), what, json ? String.valueOf(r.body()) : result);
        tally.answered(r.latencyNanos());
      } catch (StoreException e) {
        line(sentAt, -1, what, "ERROR " + ClientOutput.error(e));
        tally.error();
      } catch (StoreUnreachableException e) {
        line(sentAt, -1, what, "UNREACHABLE " + e.getMessage());
        tally.unreachable();
      }
      tally.request();
    }

    private void restock(StoreClient store, int item, String token) {
      String what = "restock " + item + " +" + restockAmount;
      LocalTime sentAt = LocalTime.now();
      try {
        StoreClient.Reply<StoreClient.BookUpdate> r = store.restock(item, restockAmount, null, token);
        line(sentAt, r.latencyNanos(), what, json ? String.valueOf(r.body()) : "stock now " + r.value().book().stock());
      } catch (StoreException e) {
        line(sentAt, -1, what, "ERROR " + ClientOutput.error(e));
        tally.error();
      } catch (StoreUnreachableException e) {
        line(sentAt, -1, what, "UNREACHABLE " + e.getMessage());
        tally.unreachable();
      }
    }

    /** One line per request: when it was sent, how long it took (- when it failed), what, and the outcome. */
    private void line(LocalTime sentAt, long latencyNanos, String what, String result) {
      out().printf("%s %10s  %-13s %s%n", sentAt.format(CLOCK),
          latencyNanos < 0 ? "-" : ClientOutput.millis(latencyNanos), what, result);
      out().flush();
    }

    private static void sleepUntil(long dueNanos) {
      long waitNanos = dueNanos - System.nanoTime();
      if (waitNanos <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(waitNanos); // the loop's pacing, not a guess at timing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
  }

  /** Counts of the traffic loop, for its last line and exit code. Written by the loop, read by a shutdown hook. */
  static final class Tally {
    private volatile int requests;
    private volatile int answered;
    private volatile int errors;
    private volatile int unreachable;
    private volatile long latencyNanosSum;
    private volatile long latencyNanosMax;

    int requests() {
      return requests;
    }

    void request() {
      requests++;
    }

    void answered(long latencyNanos) {
      answered++;
      latencyNanosSum += latencyNanos;
      latencyNanosMax = Math.max(latencyNanosMax, latencyNanos);
    }

    void error() {
      errors++;
    }

    void unreachable() {
      unreachable++;
    }

    String summary() {
      return requests + " requests: " + answered + " ok, " + errors + " errors, " + unreachable + " unreachable"
          + (answered == 0 ? "" : "; latency mean " + ClientOutput.millis(latencyNanosSum / answered) + ", max "
              + ClientOutput.millis(latencyNanosMax));
    }

    /** 0 when everything was answered, 3 when the store was unreachable at least once, else 1. */
    int exitCode() {
      return unreachable > 0 ? UNREACHABLE : errors > 0 ? ERROR_RESPONSE : OK;
    }
  }
}
