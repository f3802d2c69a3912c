package io.pygmy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class DurationTextProperties {
  @Property
  void readsBackWhatItFormats(@ForAll @LongRange(min = 1, max = 86_400_000) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(DurationText.parse(DurationText.format(d))).isEqualTo(d);
  }

  @Property
  void secondsWithUpToThreeDecimalsAreExactMilliseconds(@ForAll @LongRange(min = 1, max = 86_400_000) long millis) {
    String text = millis / 1000 + "." + String.format("%03d", millis % 1000) + "s";
    assertThat(DurationText.parse(text).toMillis()).isEqualTo(millis);
  }
}
