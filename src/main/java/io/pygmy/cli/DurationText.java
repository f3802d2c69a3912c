package io.pygmy.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people type them on a command line: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 5m},
 * {@code 1h}; a bare number is seconds. Bounded to (0, 24h]: a zero or day-long interval is a typo.
 */
public final class DurationText implements ITypeConverter<Duration> {
  static final Duration MAX = Duration.ofHours(24);
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,3})?)\\s*(ms|s|m|h)?");

  @Override
  public Duration convert(String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** Parses {@code text}; throws IllegalArgumentException naming the accepted forms. */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 500ms, 2s, 1.5s, 5m or 1h");
    }
    long unitMillis = switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      default -> throw new IllegalStateException("unreachable: the pattern admits no other unit");
    };
    BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis));
    if (millis.signum() <= 0 || millis.compareTo(BigDecimal.valueOf(MAX.toMillis())) > 0) {
      throw new IllegalArgumentException("'" + text + "' is out of range; a duration must be in 1ms..24h");
    }
    if (millis.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("'" + text + "' is finer than a millisecond");
    }
    return Duration.ofMillis(millis.longValueExact());
  }

  /** The shortest exact form {@link #parse} reads back: {@code 500ms}, {@code 2s}, {@code 1500ms}, {@code 5m}. */
  public static String format(Duration d) {
    long millis = d.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0 && millis > 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
