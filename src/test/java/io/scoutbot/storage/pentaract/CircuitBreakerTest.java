package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.retry.Backoff;
import io.scoutbot.retry.Disposition;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
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
      breaker.record(PentaractFailure.retry("500", 500));
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
      throw PentaractFailure.permanent("login rejected", 401);
    });
    breaker.open("Connection refused");
    assertThat(changes.poll(5, TimeUnit.SECONDS)).isTrue();

    sleeper.awaitSleeper();
    sleeper.release();

    assertThat(changes.poll(5, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void probe_thatGetsNoAnswerAndNoOutage_keepsItOpen_andProbesAgain() throws InterruptedException {
    AtomicInteger probes = new AtomicInteger();
    breaker.probeWith(() -> {
      if (probes.incrementAndGet() == 1) {
        // failed without an HTTP answer, and not classified as an outage
        throw PentaractFailure.cancelled("logging in", null);
      }
    });
    breaker.open("Connect timed out");
    assertThat(changes.poll(5, TimeUnit.SECONDS)).isTrue();

    sleeper.awaitSleeper();
    sleeper.release(); // first probe: no answer

    assertThat(sleeper.awaitSleeper(Duration.ofSeconds(5))).as("probes again").isTrue();
    assertThat(breaker.isOpen()).isTrue();
    assertThat(changes).isEmpty();
    sleeper.release(); // second probe: it answers
    assertThat(changes.poll(5, TimeUnit.SECONDS)).isFalse();
    assertThat(probes).hasValue(2);
  }

  @Test
  void reopenedWhileTheOldProbeIsStillFinishing_isProbedAgain_notLeftOpenForGood()
      throws InterruptedException {
    BlockingQueue<Boolean> seen = new LinkedBlockingQueue<>();
    CircuitBreaker[] holder = new CircuitBreaker[1];
    AtomicInteger closings = new AtomicInteger();
    CircuitBreaker b = new CircuitBreaker("Pentaract at http://p/api", 3,
        new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60)), clock, sleeper, () -> 1.0,
        Thread.ofVirtual().name("probe-test").factory(), open -> {
          seen.add(open);
          if (!open && closings.incrementAndGet() == 1) {
            // runs on the probe's thread after its success, before that thread ends: new outages
            holder[0].open("Connection refused again");
          }
        });
    holder[0] = b;
    b.probeWith(() -> {});
    try {
      b.open("Connection refused");
      sleeper.awaitSleeper();
      sleeper.release(); // the probe succeeds, and the breaker reopens at once

      assertThat(seen.poll(5, TimeUnit.SECONDS)).isTrue();
      assertThat(seen.poll(5, TimeUnit.SECONDS)).isFalse();
      assertThat(seen.poll(5, TimeUnit.SECONDS)).isTrue();
      assertThat(sleeper.awaitSleeper(Duration.ofSeconds(5))).as("a probe runs again").isTrue();
      sleeper.release();
      assertThat(seen.poll(5, TimeUnit.SECONDS)).isFalse();
      assertThat(b.isOpen()).isFalse();
    } finally {
      b.close();
    }
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
    return PentaractFailure.unreachable("cannot reach Pentaract (" + reason + ")", reason, null);
  }
}
