package io.pygmy.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One cluster (3 catalog, 3 order, 2 frontends) shared by the integration test classes that do not
 * crash nodes, started once and stopped after the last test. Tests that need known stock use their
 * own items: the shared books file gives items 1..40 a stock of 10 each.
 */
final class SharedCluster implements BeforeAllCallback {
  private static TestCluster cluster;

  static synchronized TestCluster get() {
    if (cluster == null) {
      try {
        Path dir = Files.createTempDirectory("pygmy-it-books-");
        int[] stocks = new int[40];
        java.util.Arrays.fill(stocks, 10);
        cluster = TestCluster.start("shared", 2, TestCluster.books(dir, stocks), TestCluster.settings());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }
}
