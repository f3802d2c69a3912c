package io.pygmy.bench;

import io.pygmy.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a run's {@code bench.json} and {@code report.html} into the output directory, and with a soak
 * its rows apart: {@code soak.csv} and {@code soak.json}.
 */
final class ReportWriter {
  static final String JSON_FILE = "bench.json";
  static final String HTML_FILE = "report.html";
  static final String SOAK_CSV_FILE = "soak.csv";
  static final String SOAK_JSON_FILE = "soak.json";

  private ReportWriter() {}

  static String json(BenchResult result) throws IOException {
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n";
  }

  static BenchResult read(Path file) throws IOException {
    return Json.MAPPER.readValue(file.toFile(), BenchResult.class);
  }

  /** Writes the files (each to a temporary name first, so a reader never sees half a file). */
  static void write(BenchResult result, Path dir) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve(JSON_FILE), json(result));
    if (result.soak() != null) {
      writeAtomically(dir.resolve(SOAK_CSV_FILE), SoakCsv.render(result.soak()));
      writeAtomically(dir.resolve(SOAK_JSON_FILE),
          Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result.soak()) + "\n");
    }
    writeAtomically(dir.resolve(HTML_FILE), HtmlReport.render(result));
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
