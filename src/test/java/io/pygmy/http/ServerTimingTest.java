package io.pygmy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Server-Timing header: formatting one tier's entry, joining tiers, and parsing what came back. */
class ServerTimingTest {
  @Test
  void anEntryIsTheTierAndItsDurationInMillisecondsToThreeDecimals() {
    assertThat(ServerTiming.entry("frontend", 412_000)).isEqualTo("frontend;dur=0.412");
    assertThat(ServerTiming.entry("catalog", 1_234_567_890)).isEqualTo("catalog;dur=1234.568");
    assertThat(ServerTiming.entry("order", 0)).isEqualTo("order;dur=0.000");
  }

  @Test
  void anEntryUsesADotWhateverTheDefaultLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(ServerTiming.entry("frontend", 1_500_000)).isEqualTo("frontend;dur=1.500");
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void joinSeparatesEntriesWithACommaAndSpace() {
    assertThat(ServerTiming.join("frontend;dur=1", "catalog;dur=0.5")).isEqualTo("frontend;dur=1, catalog;dur=0.5");
  }

  @Test
  void joinSkipsNullAndBlankEntriesAndTrims() {
    assertThat(ServerTiming.join("frontend;dur=1", "")).isEqualTo("frontend;dur=1");
    assertThat(ServerTiming.join(null, "  ", " a;dur=1 ", null, "b;dur=2")).isEqualTo("a;dur=1, b;dur=2");
    assertThat(ServerTiming.join()).isEmpty();
    assertThat(ServerTiming.join(null, "")).isEmpty();
  }

  @Test
  void parseOfNullOrEmptyIsEmpty() {
    assertThat(ServerTiming.parse(null)).isEmpty();
    assertThat(ServerTiming.parse("")).isEmpty();
    assertThat(ServerTiming.parse(" , ,")).isEmpty();
  }

  @Test
  void parseReadsEveryTierInOrder() {
    Map<String, Double> parsed = ServerTiming.parse("frontend;dur=0.412, catalog;dur=0.208");
    assertThat(parsed).containsExactly(entry("frontend", 0.412), entry("catalog", 0.208));
  }

  @Test
  void parseIsTheInverseOfEntryAndJoin() {
    String header = ServerTiming.join(ServerTiming.entry("frontend", 3_000_000), ServerTiming.entry("order", 1_250_000));
    assertThat(ServerTiming.parse(header)).containsExactly(entry("frontend", 3.0), entry("order", 1.25));
  }

  @Test
  void parseToleratesWhitespaceCaseQuotesAndOtherParameters() {
    assertThat(ServerTiming.parse("  a ; desc=\"x\" ; DUR=1.5 ,b;dur=\"2\"")).containsExactly(entry("a", 1.5),
        entry("b", 2.0));
  }

  @Test
  void parseSkipsMalformedEntriesAndKeepsTheRest() {
    Map<String, Double> parsed = ServerTiming.parse(
        "noDuration, bad;dur=abc, neg;dur=-1, nan;dur=NaN, inf;dur=Infinity, ;dur=3, empty;dur=, ok;dur=4");
    assertThat(parsed).containsExactly(entry("ok", 4.0));
  }

  @Test
  void theFirstDurationOfATierWins() {
    assertThat(ServerTiming.parse("a;dur=1, a;dur=2")).containsExactly(entry("a", 1.0));
    assertThat(ServerTiming.parse("a;dur=1;dur=2")).containsExactly(entry("a", 1.0));
  }

  @Test
  void aZeroDurationIsKept() {
    assertThat(ServerTiming.parse("a;dur=0")).containsExactly(entry("a", 0.0));
  }

  @Test
  void atMostSixteenEntriesAreKept() {
    String header = IntStream.range(0, 40).mapToObj(i -> "t" + i + ";dur=" + i).collect(Collectors.joining(", "));
    Map<String, Double> parsed = ServerTiming.parse(header);
    assertThat(parsed).hasSize(16);
    assertThat(parsed).containsEntry("t0", 0.0).containsEntry("t15", 15.0).doesNotContainKey("t16");
  }

  @Test
  void malformedEntriesDoNotCountTowardsTheBound() {
    String junk = IntStream.range(0, 40).mapToObj(i -> "junk" + i).collect(Collectors.joining(", "));
    assertThat(ServerTiming.parse(junk + ", real;dur=1")).containsExactly(entry("real", 1.0));
  }

  @Test
  void theHeaderNameIsServerTiming() {
    assertThat(ServerTiming.HEADER).isEqualTo("Server-Timing");
  }
}
