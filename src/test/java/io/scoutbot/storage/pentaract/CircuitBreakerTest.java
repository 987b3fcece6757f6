package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Opening after repeated outages, failing fast, and probing in the background until it answers. */
class CircuitBreakerTest {

  private final ManualClock clock = new ManualClock();
  private final TestSleeper sleeper = TestSleeper.held(clock);
  private final BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
  private final AtomicInteger probesLeftFailing = new AtomicInteger(Integer.MAX_VALUE);
  private final CircuitBreaker breaker = new CircuitBreaker("Pentaract at http://p/api", 3,
      new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60)), clock, sleeper, () -> 1.0,
      Thread.ofVirtual().name("probe-test").factory(), changes::add);

  {
    breaker.probeWith(() -> {
      if (probesLeftFailing.getAndDecrement() > 0) {
        throw outage("Connection refused");
      }
    });
  }

  @AfterEach
  void close() {
    breaker.close();
  }

  @Test
  void staysClosed_belowTheThreshold_andASuccessResetsTheCount() {
    breaker.record(outage("refused"));
    breaker.record(outage("refused"));
    breaker.recordSuccess();
    breaker.record(outage("refused"));
    breaker.record(outage("refused"));

    assertThat(breaker.isOpen()).isFalse();
    assertThatCode(breaker::admit).doesNotThrowAnyException();
  }

  @Test
  void answersThatAreNotOutages_neverOpenIt() {
    for (int i = 0; i < 10; i++) {
      breaker.record(new PentaractFailure("500", Disposition.RETRY, OptionalInt.of(500), false,
          null));
    }

    assertThat(breaker.isOpen()).isFalse();
  }

  @Test
  void opensAfterTheThreshold_andThenFailsFastAsUnavailable() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      breaker.record(outage("Connection refused"));
    }

    assertThat(changes.poll(5, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(breaker::admit)
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("unavailable since 2026-01-01T00:00:00Z (Connection refused)")
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.UNAVAILABLE);
  }

  @Test
  void probe_backsOffExponentially_andClosesWhenTheProbeSucceeds() throws InterruptedException {
    probesLeftFailing.set(3);
    breaker.open("Connection refused");
    assertThat(changes.poll(5, TimeUnit.SECONDS)).isTrue();

    for (int i = 0; i < 4; i++) {
      sleeper.awaitSleeper();
      sleeper.release();
    }

    assertThat(changes.poll(5, TimeUnit.SECONDS)).isFalse();
    assertThat(breaker.isOpen()).isFalse();
    assertThat(sleeper.slept()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4),
        Duration.ofSeconds(8), Duration.ofSeconds(16));
  }

  @Test
  void probe_thatGetsAnyAnswer_closesIt_evenARefusal() throws InterruptedException {
    breaker.probeWith(() -> {
      throw new PentaractFailure("login rejected", Disposition.PERMANENT, OptionalInt.of(401),
          false, null);
    });
    breaker.open("Connection refused");
    assertThat(changes.poll(5, TimeUnit.SECONDS)).isTrue();

    sleeper.awaitSleeper();
    sleeper.release();

    assertThat(changes.poll(5, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void aRealCallSucceedingWhileOpen_closesIt() throws InterruptedException {
    breaker.open("Connection refused");
    assertThat(changes.poll(5, TimeUnit.SECONDS)).isTrue();

    breaker.recordSuccess();

    assertThat(changes.poll(5, TimeUnit.SECONDS)).isFalse();
    assertThatCode(breaker::admit).doesNotThrowAnyException();
  }

  private static PentaractFailure outage(String reason) {
    return new PentaractFailure("cannot reach Pentaract (" + reason + ")", Disposition.RETRY,
        OptionalInt.empty(), true, reason, null);
  }
}
