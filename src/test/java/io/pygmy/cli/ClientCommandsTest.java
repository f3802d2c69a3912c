package io.pygmy.cli;

import static io.pygmy.testing.Ports.closedPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.Main;
import io.pygmy.client.StoreClient.Book;
import io.pygmy.client.StoreClient.BookUpdate;
import io.pygmy.client.StoreClient.Order;
import io.pygmy.client.StoreClient.Purchase;
import io.pygmy.client.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ClientCommandsTest {
  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anUnreachableStoreExitsWithThree() throws IOException {
    Run r = run("search", "ds", "--url", "http://127.0.0.1:" + closedPort(), "--timeout", "2s");
    assertThat(r.exitCode()).isEqualTo(ClientCommands.UNREACHABLE);
    assertThat(r.err()).contains("store unreachable").contains("pygmy up");
  }

  @Test
  void aMalformedArgumentIsAUsageErrorWithTwo() {
    assertThat(run("lookup", "three").exitCode()).isEqualTo(2);
    assertThat(run("client", "--interval", "soon").exitCode()).isEqualTo(2);
    assertThat(run("buy").exitCode()).isEqualTo(2);
  }

  @Test
  void theTrafficLoopExitsByWhatWentWrong() {
    ClientCommands.Tally clean = new ClientCommands.Tally();
    clean.request();
    clean.answered(2_000_000);
    assertThat(clean.exitCode()).isEqualTo(ClientCommands.OK);
    assertThat(clean.summary()).isEqualTo("1 requests: 1 ok, 0 errors, 0 unreachable; latency mean 2.0 ms, max 2.0 ms");

    ClientCommands.Tally failing = new ClientCommands.Tally();
    failing.error();
    assertThat(failing.exitCode()).isEqualTo(ClientCommands.ERROR_RESPONSE);
    failing.unreachable();
    assertThat(failing.exitCode()).isEqualTo(ClientCommands.UNREACHABLE);
  }

  @Test
  void showsBooksAsATable() {
    String text = ClientOutput.books(List.of(new Book(2, "RPCs for Dummies", "ds", 200, 99)));
    assertThat(text).isEqualTo("ID  TOPIC  COST  STOCK  TITLE\n2   ds     200   99     RPCs for Dummies\n");
    assertThat(ClientOutput.books(List.of())).isEqualTo("no books\n");
  }

  @Test
  void showsPurchasesAndUpdatesInOneLine() {
    Order confirmed = new Order(12, "k-1", 3, 2, "CONFIRMED", 300, 600, 0);
    assertThat(ClientOutput.purchase(3, new Purchase(true, confirmed, "k-1")))
        .isEqualTo("bought 2 x item 3 for 600: order 12 (key k-1)");
    Order rejected = new Order(13, "k-2", 3, 1, "REJECTED", 300, 300, 0);
    assertThat(ClientOutput.purchase(3, new Purchase(false, rejected, "k-2")))
        .isEqualTo("out of stock: item 3 (order 13 recorded as REJECTED)");
    assertThat(ClientOutput.purchaseInLine(new Purchase(false, null, null))).isEqualTo("out of stock");
    assertThat(ClientOutput.update("restocked +2", new BookUpdate(new Book(3, "Xen", "gs", 300, 9), true)))
        .isEqualTo("restocked +2: item 3 now has stock 9, cost 300 (this key was already applied; nothing changed)");
  }

  @Test
  void showsErrorsWithCodeStatusAndRequestId() {
    StoreException e = new StoreException(503, "unavailable", "no quorum", "req-1", null);
    assertThat(ClientOutput.error(e)).isEqualTo("unavailable (HTTP 503): no quorum [request req-1]");
  }

  @Test
  void shortensLongTitlesInTrafficLines() {
    assertThat(ClientOutput.shorten("x".repeat(100))).hasSize(40).endsWith("...");
    assertThat(ClientOutput.bookInLine(new Book(1, "Short", "ds", 100, 5))).isEqualTo("#1 \"Short\" cost 100, stock 5");
  }
}
