package io.pygmy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverMathTest {
  private static final long MS = 1_000_000;

  @Test
  void unavailabilityIsTheLongestGapWithoutSuccessCountedFromTheKill() {
    long kill = 1000 * MS;
    long[] ends = {900 * MS, 995 * MS, 1002 * MS, 1010 * MS, 2210 * MS, 2215 * MS, 9000 * MS};
    // A request that was in flight at the kill still succeeds at 1002 and 1010 ms; then nothing until 2210.
    assertThat(FailoverExperiment.unavailableMillis(ends, kill, 5000 * MS)).isEqualTo(1200);
  }

  @Test
  void theFirstGapStartsAtTheKill() {
    long[] ends = {500 * MS, 1700 * MS, 1701 * MS};
    assertThat(FailoverExperiment.unavailableMillis(ends, 1000 * MS, 5000 * MS)).isEqualTo(700);
  }

  @Test
  void noSuccessBeforeTheRestartIsUnknownRecovery() {
    long[] ends = {500 * MS, 6000 * MS};
    assertThat(FailoverExperiment.unavailableMillis(ends, 1000 * MS, 5000 * MS)).isNull();
    assertThat(FailoverExperiment.unavailableMillis(new long[0], 0, 5000 * MS)).isNull();
  }

  @Test
  void bucketsCountAnswersByWhenTheyEnded() {
    long t0 = 10_000 * MS;
    List<Request.Outcome> outcomes = List.of(
        outcome(Request.Result.OK, t0, t0 + 50 * MS),
        outcome(Request.Result.OK, t0 + 60 * MS, t0 + 90 * MS),
        outcome(Request.Result.ERROR, t0 + 10 * MS, t0 + 250 * MS),
        outcome(Request.Result.OUT_OF_STOCK, t0 + 240 * MS, t0 + 260 * MS));
    List<BenchResult.Bucket> b = FailoverExperiment.buckets(outcomes, t0);
    assertThat(b).hasSize(3);
    assertThat(b.get(0)).isEqualTo(new BenchResult.Bucket(0, 2, 0, 40.0, 50.0));
    assertThat(b.get(1)).isEqualTo(new BenchResult.Bucket(100, 0, 0, 0, 0));
    assertThat(b.get(2).ok()).as("out of stock is an answer").isEqualTo(1);
    assertThat(b.get(2).errors()).isEqualTo(1);
    assertThat(b.get(2).maxMs()).isEqualTo(240.0);
  }

  private static Request.Outcome outcome(Request.Result result, long start, long end) {
    return new Request.Outcome(Request.Kind.BUY, result, 201, start, end, null);
  }
}
