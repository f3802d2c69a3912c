package io.pygmy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The catalog's state is not in heap: three million reservations applied through the real RocksDB-backed
 * state machine in a JVM with a 48 MB heap (the release that kept them in heap needed about 1.2 GB for
 * that many). The child process must finish, its store must verify, and it must say so.
 */
class CatalogStateMachineHeapIT {
  static final long RESERVATIONS = 3_000_000;
  static final int HEAP_MB = 48;

  @Test
  void millionsOfReservationsApplyInASmallHeap() throws Exception {
    Path dir = Files.createTempDirectory("pygmy-heap-");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + HEAP_MB + "m", "-XX:+UseSerialGC",
        "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), ManyReservations.class.getName(), dir.toString(),
        Long.toString(RESERVATIONS)));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String done = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        System.out.println("[child] " + line);
        if (line.startsWith("DONE ")) {
          done = line;
        }
      }
    }
    assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as("the child ran out of heap or failed").isZero();
    assertThat(done).isNotNull();
    String[] parts = done.split(" ");
    assertThat(Long.parseLong(parts[1])).isEqualTo(RESERVATIONS);
    assertThat(Long.parseLong(parts[3])).as("heap in use after GC, MB").isLessThan(HEAP_MB);
  }
}
