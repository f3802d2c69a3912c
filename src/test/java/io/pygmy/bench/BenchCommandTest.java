package io.pygmy.bench;

import static io.pygmy.testing.Ports.closedPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {
  @Test
  void anOutputPathThatIsAFileIsRefusedBeforeAnythingIsMeasured(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("b1"), "not a directory");
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));

    // The store's address is closed: reaching for it would fail differently, so the message shows the
    // output path was checked first, not after a run whose figures it would have lost.
    int code = cli.execute("bench", "--url", "http://127.0.0.1:" + closedPort(), "--out", file.toString(),
        "--warmup", "0", "-n", "1");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--out " + file + " exists and is not a directory");
    assertThat(Files.readString(file)).isEqualTo("not a directory");
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  @Test
  void aSoakWhoseRestartComesAfterItsLastOrderIsRefusedBeforeAnythingIsMeasured() throws IOException {
    StringWriter err = new StringWriter();
    int code = run(err, "bench", "--url", "http://127.0.0.1:" + closedPort(), "-e", "soak", "--orders", "10",
        "--soak-restart-at", "10");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--soak-restart-at must be in 0..9");
  }

  @Test
  void theSoakIsAnExperimentToNameButNotADefault() throws IOException {
    StringWriter err = new StringWriter();
    assertThat(run(err, "bench", "--url", "http://127.0.0.1:" + closedPort(), "-e", "soakk")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown experiment 'soakk'", "failover, soak");
    assertThat(BenchCommand.EXPERIMENTS).doesNotContain("soak");
    assertThat(BenchCommand.OPT_IN).containsExactly("soak");
  }

  @Test
  void soakDurationsAreCheckedLikeTheOthers() throws IOException {
    StringWriter err = new StringWriter();
    int code = run(err, "bench", "--url", "http://127.0.0.1:" + closedPort(), "-e", "soak", "--soak-settle",
        "soon");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
  }
}
