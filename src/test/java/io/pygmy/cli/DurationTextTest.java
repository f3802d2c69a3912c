package io.pygmy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationTextTest {
  @ParameterizedTest
  @CsvSource({
      "500ms, 500",
      "2s, 2000",
      "1.5s, 1500",
      "0.25s, 250",
      "5m, 300000",
      "1h, 3600000",
      "24h, 86400000",
      "3, 3000",
      "' 2S ', 2000",
      "1ms, 1"})
  void readsWhatPeopleType(String text, long millis) {
    assertThat(DurationText.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "ms", "-1s", "0", "0ms", "0.0s", "1.5ms", "0.0001s", "2 days", "1d", "25h", "1e3ms",
      "PT2S", "1,5s", "abc"})
  void refusesTheRestNamingTheFormsItAccepts(String text) {
    assertThatThrownBy(() -> DurationText.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> DurationText.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void asAPicocliConverterReportsAConversionError() {
    assertThatThrownBy(() -> new DurationText().convert("soon"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("500ms");
  }

  @Test
  void formatsInTheLargestExactUnit() {
    assertThat(DurationText.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(DurationText.format(Duration.ofHours(2))).isEqualTo("2h");
  }
}
