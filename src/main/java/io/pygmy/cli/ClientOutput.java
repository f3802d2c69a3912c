package io.pygmy.cli;

import io.pygmy.client.StoreClient.Book;
import io.pygmy.client.StoreClient.BookUpdate;
import io.pygmy.client.StoreClient.Order;
import io.pygmy.client.StoreClient.Purchase;
import io.pygmy.client.StoreException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** How client commands show answers to a person. Pure: values in, text out. */
final class ClientOutput {
  private static final DateTimeFormatter PLACED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());
  private static final int MAX_TITLE_IN_LINE = 40;

  private ClientOutput() {}

  static String books(List<Book> books) {
    if (books.isEmpty()) {
      return "no books\n";
    }
    TextTable t = new TextTable("ID", "TOPIC", "COST", "STOCK", "TITLE");
    for (Book b : books) {
      t.row(b.id(), b.topic(), b.cost(), b.stock(), b.title());
    }
    return t.render();
  }

  static String orders(List<Order> orders) {
    if (orders.isEmpty()) {
      return "no orders\n";
    }
    TextTable t = new TextTable("ID", "STATUS", "ITEM", "QTY", "UNIT", "TOTAL", "PLACED", "KEY");
    for (Order o : orders) {
      t.row(o.id(), o.status(), o.item(), o.quantity(), o.unitCost(), o.totalCost(), placed(o), o.key());
    }
    return t.render();
  }

  static String order(Order o) {
    return "order " + o.id() + ": " + o.status() + ", " + o.quantity() + " x item " + o.item() + " at "
        + o.unitCost() + " = " + o.totalCost() + ", placed " + placed(o) + ", key " + o.key();
  }

  static String purchase(int item, Purchase p) {
    if (p.bought()) {
      Order o = p.order();
      return "bought " + o.quantity() + " x item " + item + " for " + o.totalCost() + ": order " + o.id()
          + " (key " + p.idempotencyKey() + ")";
    }
    return "out of stock: item " + item + (p.order() == null ? "" : " (order " + p.order().id() + " recorded as REJECTED)");
  }

  static String update(String what, BookUpdate u) {
    Book b = u.book();
    return what + ": item " + b.id() + " now has stock " + b.stock() + ", cost " + b.cost()
        + (u.replayed() ? " (this key was already applied; nothing changed)" : "");
  }

  static String error(StoreException e) {
    return e.code() + " (HTTP " + e.status() + "): " + e.getMessage()
        + (e.requestId() == null ? "" : " [request " + e.requestId() + "]");
  }

  /** One book in a line of the traffic loop. */
  static String bookInLine(Book b) {
    return "#" + b.id() + " \"" + shorten(b.title()) + "\" cost " + b.cost() + ", stock " + b.stock();
  }

  /** A search result in a line of the traffic loop: count and ids with stock. */
  static String booksInLine(List<Book> books) {
    StringBuilder s = new StringBuilder(books.size() + (books.size() == 1 ? " book:" : " books:"));
    for (Book b : books) {
      s.append(" #").append(b.id()).append(" (stock ").append(b.stock()).append(')');
    }
    return s.toString();
  }

  static String purchaseInLine(Purchase p) {
    if (p.bought()) {
      return "bought: order " + p.order().id() + ", total " + p.order().totalCost();
    }
    return "out of stock" + (p.order() == null ? "" : " (order " + p.order().id() + " rejected)");
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String placed(Order o) {
    return PLACED.format(Instant.ofEpochMilli(o.placedAtMillis()));
  }

  static String shorten(String title) {
    return title.length() <= MAX_TITLE_IN_LINE ? title : title.substring(0, MAX_TITLE_IN_LINE - 3) + "...";
  }
}
