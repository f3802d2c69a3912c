package io.pygmy.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Server-Timing} header (W3C): {@code frontend;dur=0.412, catalog;dur=0.208}. Each tier
 * reports its own inclusive handling time in milliseconds and passes on what the tiers below reported,
 * so per-tier latency can be read from outside, as in the seed's evaluation.
 */
public final class ServerTiming {
  public static final String HEADER = "Server-Timing";
  /** Entries kept from one header; anything past it is ignored rather than trusted. */
  private static final int MAX_ENTRIES = 16;

  private ServerTiming() {}

  public static String entry(String tier, long nanos) {
    return String.format(Locale.ROOT, "%s;dur=%.3f", tier, nanos / 1e6);
  }

  /** Joins entries, skipping blanks: {@code join("frontend;dur=1", "")} is {@code frontend;dur=1}. */
  public static String join(String... entries) {
    StringBuilder out = new StringBuilder();
    for (String e : entries) {
      if (e != null && !e.isBlank()) {
        if (out.length() > 0) {
          out.append(", ");
        }
        out.append(e.trim());
      }
    }
    return out.toString();
  }

  /** Tier name to duration in milliseconds; malformed entries are skipped, never fatal. */
  public static Map<String, Double> parse(String header) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (header == null) {
      return out;
    }
    for (String metric : header.split(",")) {
      if (out.size() >= MAX_ENTRIES) {
        break;
      }
      String[] parts = metric.trim().split(";");
      String name = parts[0].trim();
      if (name.isEmpty()) {
        continue;
      }
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.regionMatches(true, 0, "dur=", 0, 4)) {
          try {
            double d = Double.parseDouble(p.substring(4).replace("\"", ""));
            if (Double.isFinite(d) && d >= 0) {
              out.putIfAbsent(name, d);
            }
          } catch (NumberFormatException ignored) {
            // A malformed duration is skipped: the header is advisory.
          }
        }
      }
    }
    return out;
  }
}
