package io.pygmy.bench;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** What a load-generating client sends next. Items and topics are drawn uniformly from the store's books. */
enum Workload {
  LOOKUP, SEARCH, BUY,
  /** 90% lookups, 10% buys. */
  MIX;

  static Workload parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown workload '" + name + "' (lookup, search, buy, mix)");
    }
  }

  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  boolean buys() {
    return this == BUY || this == MIX;
  }

  Request next(SplittableRandom random, List<Store.Book> readBooks, List<Store.Book> buyBooks) {
    return switch (this) {
      case LOOKUP -> Request.lookup(pick(random, readBooks).id());
      case SEARCH -> Request.search(pick(random, readBooks).topic());
      case BUY -> Request.buy(pick(random, buyBooks).id());
      case MIX -> random.nextInt(10) == 0 ? Request.buy(pick(random, buyBooks).id())
          : Request.lookup(pick(random, readBooks).id());
    };
  }

  private static Store.Book pick(SplittableRandom random, List<Store.Book> books) {
    return books.get(random.nextInt(books.size()));
  }
}
