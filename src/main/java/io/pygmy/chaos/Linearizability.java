package io.pygmy.chaos;

import io.pygmy.chaos.Effects.Effect;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that each book's stock behaves as one linearizable counter: restocks add (and answer the stock
 * after), a confirmed buy takes its quantity only when that many are in stock, a rejected buy sees fewer,
 * and a read (lookup or search) sees the current value. Pure.
 *
 * <p>The algorithm is Lowe's "just-in-time" variant of Wing and Gong's: walk the history's invocations and
 * returns in time order, keeping every configuration (stock, which pending operations are already
 * linearized) consistent with what has returned so far; when an operation returns, each configuration
 * linearizes pending operations until it has linearized that one, and configurations that cannot are
 * dropped. No configuration left is a violation. The search only spans operations pending at the same
 * time, a bounded window: at most {@link #MAX_PENDING} per book and {@link #MAX_CONFIGS} configurations,
 * beyond which the book is reported inconclusive rather than guessed.
 *
 * <p>Writes whose outcome the client never learnt enter with the effect the store reports for their key
 * and stay pending to the end; the end is a read of the final stock.
 */
public final class Linearizability {
  static final int MAX_PENDING = 64;
  static final int MAX_CONFIGS = 200_000;

  public record Result(List<Violation> violations, List<String> inconclusive, int books, long operations) {}

  private enum Type { READ, ADD, TAKE, SEE_FEWER }

  /** One operation on one book's stock. {@code value}: read value, added amount, taken or wanted quantity. */
  private record Step(Op op, Type type, long value, Long answer, long invoke, long complete) {
    boolean applicable(long stock) {
      return switch (type) {
        case READ -> stock == value;
        case ADD -> answer == null || stock + value == answer;
        case TAKE -> stock >= value;
        case SEE_FEWER -> stock < value;
      };
    }

    long apply(long stock) {
      return switch (type) {
        case ADD -> stock + value;
        case TAKE -> stock - value;
        default -> stock;
      };
    }
  }

  private record Config(long stock, long linearized) {}

  private Linearizability() {}

  public static Result check(List<Op> history, StoreState state) {
    Map<Integer, List<Effect>> effects = Effects.byItem(history, state);
    List<Violation> violations = new ArrayList<>();
    List<String> inconclusive = new ArrayList<>();
    long operations = 0;
    long end = 1;
    for (Op op : history) {
      end = Math.max(end, Math.max(op.invokeNanos(), op.completeNanos() == Op.NEVER ? 0 : op.completeNanos()) + 1);
    }
    for (StoreState.Book book : state.initial().values()) {
      List<Step> steps = steps(book.id(), history, effects.getOrDefault(book.id(), List.of()), end);
      Long finalStock = finalStock(state, book.id());
      if (finalStock != null) {
        steps.add(new Step(null, Type.READ, finalStock, null, end + 1, end + 2));
      }
      operations += steps.size();
      checkBook(book, steps, violations, inconclusive);
    }
    return new Result(violations, inconclusive, state.initial().size(), operations);
  }

  private static Long finalStock(StoreState state, int item) {
    return state.booksByReplica().values().stream().map(m -> m.get(item)).filter(b -> b != null)
        .map(StoreState.Book::stock).findFirst().orElse(null);
  }

  private static List<Step> steps(int item, List<Op> history, List<Effect> writes, long end) {
    List<Step> steps = new ArrayList<>();
    for (Op op : history) {
      if (!op.kind().write() && op.ok()) {
        Op.Observation o = op.observation(item);
        if (o != null) {
          steps.add(new Step(op, Type.READ, o.stock(), null, op.invokeNanos(), op.completeNanos()));
        }
      }
    }
    for (Effect e : writes) {
      long complete = e.completeNanos() == Op.NEVER ? end : e.completeNanos();
      if (e.op().kind() == Op.Kind.BUY) {
        steps.add(new Step(e.op(), e.rejectedBuy() ? Type.SEE_FEWER : Type.TAKE, e.quantity(), null,
            e.invokeNanos(), complete));
      } else if (e.stockDelta() != 0) {
        steps.add(new Step(e.op(), Type.ADD, e.stockDelta(), e.stockAfter(), e.invokeNanos(), complete));
      }
    }
    return steps;
  }

  private static void checkBook(StoreState.Book book, List<Step> steps, List<Violation> violations,
                                List<String> inconclusive) {
    // Events: invocations before returns at the same instant (those operations overlap).
    List<long[]> events = new ArrayList<>(steps.size() * 2);
    for (int i = 0; i < steps.size(); i++) {
      events.add(new long[] {steps.get(i).invoke(), 0, i});
      events.add(new long[] {steps.get(i).complete(), 1, i});
    }
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]).thenComparingLong(e -> e[2]));
    Step[] slots = new Step[MAX_PENDING];
    Map<Integer, Integer> slotOf = new HashMap<>();
    Set<Config> configs = new HashSet<>();
    configs.add(new Config(book.stock(), 0));
    for (long[] ev : events) {
      int index = (int) ev[2];
      Step step = steps.get(index);
      if (ev[1] == 0) {
        int free = freeSlot(slots);
        if (free < 0) {
          inconclusive.add("item " + book.id() + ": more than " + MAX_PENDING + " operations pending at once");
          return;
        }
        slots[free] = step;
        slotOf.put(index, free);
        continue;
      }
      int slot = slotOf.remove(index);
      Set<Config> next = linearizeUpTo(configs, slots, slot);
      if (next == null) {
        inconclusive.add("item " + book.id() + ": more than " + MAX_CONFIGS + " configurations");
        return;
      }
      if (next.isEmpty()) {
        violations.add(new Violation(Checks.LINEARIZABLE, "item " + book.id() + ": no order of the operations "
            + "pending at " + describe(step) + " explains its result (stocks possible just before: "
            + stocks(configs) + ")", slice(steps, step, slots)));
        return;
      }
      slots[slot] = null;
      configs = next;
    }
  }

  /** Every configuration reachable from {@code configs} that has linearized the operation in {@code target}. */
  private static Set<Config> linearizeUpTo(Set<Config> configs, Step[] slots, int target) {
    long targetBit = 1L << target;
    Set<Config> done = new HashSet<>();
    Set<Config> seen = new HashSet<>(configs);
    ArrayDeque<Config> work = new ArrayDeque<>(configs);
    while (!work.isEmpty()) {
      Config c = work.poll();
      if ((c.linearized() & targetBit) != 0) {
        done.add(new Config(c.stock(), c.linearized() & ~targetBit));
        continue;
      }
      for (int j = 0; j < slots.length; j++) {
        Step s = slots[j];
        long bit = 1L << j;
        if (s == null || (c.linearized() & bit) != 0 || !s.applicable(c.stock())) {
          continue;
        }
        Config n = new Config(s.apply(c.stock()), c.linearized() | bit);
        if (seen.add(n)) {
          if (seen.size() > MAX_CONFIGS) {
            return null;
          }
          work.add(n);
        }
      }
    }
    return done;
  }

  private static int freeSlot(Step[] slots) {
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == null) {
        return i;
      }
    }
    return -1;
  }

  private static String describe(Step s) {
    return s.op() == null ? "the end (final stock " + s.value() + ")" : "#" + s.op().id() + " " + s.type()
        + " " + s.value() + (s.answer() != null ? " -> " + s.answer() : "");
  }

  private static String stocks(Set<Config> configs) {
    return configs.stream().map(Config::stock).distinct().sorted().limit(12).toList().toString();
  }

  /** The operations pending when {@code failed} returned, and the ones just before them. */
  private static List<Op> slice(List<Step> steps, Step failed, Step[] slots) {
    long from = failed.invoke();
    for (Step s : slots) {
      if (s != null) {
        from = Math.min(from, s.invoke());
      }
    }
    long windowStart = from;
    List<Step> relevant = new ArrayList<>(steps.stream()
        .filter(s -> s.op() != null && s.complete() >= windowStart - 1_000_000_000L && s.invoke() <= failed.complete())
        .sorted(Comparator.comparingLong(Step::invoke)).toList());
    return relevant.stream().map(Step::op).distinct().toList();
  }
}
