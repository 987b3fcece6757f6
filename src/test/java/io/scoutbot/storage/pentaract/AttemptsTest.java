package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.retry.Backoff;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which failures are tried again, how often, and how long in between. */
class AttemptsTest {

  private final ManualClock clock = new ManualClock();
  private final TestSleeper sleeper = TestSleeper.immediate(clock);
  private final CircuitBreaker breaker = new CircuitBreaker("Pentaract", 100,
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2)), clock, TestSleeper.held(clock),
      () -> 0.5, Thread.ofVirtual().factory(), open -> {});
  private final Attempts attempts = new Attempts(3,
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), sleeper, () -> 0.5, breaker);

  @AfterEach
  void close() {
    breaker.close();
  }

  static Stream<Arguments> failures() {
    PentaractFailure refused = PentaractFailure.unreachable("refused", "refused", null);
    PentaractFailure serverError = PentaractFailure.retry("500", 500);
    PentaractFailure badRequest = PentaractFailure.permanent("400", 400);
    PentaractFailure unavailable = PentaractFailure.unavailable("down", "down");
    return Stream.of(
        Arguments.of("connection refused", refused, 3, 2),
        Arguments.of("server error", serverError, 3, 2),
        Arguments.of("bad request", badRequest, 1, 0),
        Arguments.of("unavailable", unavailable, 1, 0));
  }

  @ParameterizedTest(name = "{0}: {2} tries, {3} sleeps")
  @MethodSource("failures")
  void run_retriesOnlyWhatMaySucceedLater(String name, PentaractFailure failure, int tries,
      int sleeps) {
    int[] calls = {0};

    assertThatThrownBy(() -> attempts.run("call", () -> {
      calls[0]++;
      throw failure;
    })).isSameAs(failure);

    assertThat(calls[0]).isEqualTo(tries);
    assertThat(sleeper.slept()).hasSize(sleeps);
  }

  @Test
  void run_returnsTheFirstSuccess_afterBackingOff() {
    Deque<Object> script = new ArrayDeque<>(List.of(
        PentaractFailure.outage("503", 503, "503"),
        PentaractFailure.outage("503", 503, "503"),
        "stored"));

    Object result = attempts.run("call", () -> {
      Object next = script.pop();
      if (next instanceof PentaractFailure f) {
        throw f;
      }
      return next;
    });

    assertThat(result).isEqualTo("stored");
    assertThat(sleeper.slept()).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1500));
  }

  @Test
  void run_waitsAsLongAsRetryAfterAsks_whenThatIsLongerThanTheBackoff() {
    Deque<Object> script = new ArrayDeque<>(List.of(
        PentaractFailure.retryAfter("429", 429, Optional.of(Duration.ofSeconds(20))),
        "ok"));

    attempts.run("call", () -> {
      Object next = script.pop();
      if (next instanceof PentaractFailure f) {
        throw f;
      }
      return next;
    });

    assertThat(sleeper.slept()).containsExactly(Duration.ofSeconds(20));
  }
}
