package io.scoutbot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Port answers computed once for everyone waiting, reused briefly, never past a failure. */
@Timeout(30)
class CoalescedTest {

  private final ManualClock clock = new ManualClock();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile RuntimeException failure;

  private Coalesced<Integer> coalesced(Duration reuse) {
    return new Coalesced<>("test", () -> {
      started.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failure != null) {
        throw failure;
      }
      return calls.incrementAndGet();
    }, reuse, clock);
  }

  @Test
  void anAnswer_isReusedWithinTheWindow_andRecomputedAfterIt() throws Exception {
    Coalesced<Integer> c = coalesced(Duration.ofSeconds(1));

    assertThat(c.get(Duration.ofSeconds(10))).isEqualTo(1);
    clock.advance(Duration.ofMillis(900));
    assertThat(c.get(Duration.ofSeconds(10))).isEqualTo(1);
    clock.advance(Duration.ofMillis(100));
    assertThat(c.get(Duration.ofSeconds(10))).isEqualTo(2);
  }

  @Test
  void withoutAWindow_everyCallAfterTheLastAnswer_computesAgain() throws Exception {
    Coalesced<Integer> c = coalesced(Duration.ZERO);

    assertThat(c.get(Duration.ofSeconds(10))).isEqualTo(1);
    assertThat(c.get(Duration.ofSeconds(10))).isEqualTo(2);
  }

  @Test
  void aFailure_isReported_andNeverReused() throws Exception {
    Coalesced<Integer> c = coalesced(Duration.ofMinutes(1));
    failure = new IllegalStateException("database down");

    assertThatThrownBy(() -> c.get(Duration.ofSeconds(10)))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("database down");
    failure = null;
    assertThat(c.get(Duration.ofSeconds(10))).isEqualTo(1);
  }

  @Test
  void callersDuringAHangingComputation_timeOut_andAllWaitForThatOneComputation()
      throws Exception {
    gate = new CountDownLatch(1);
    // a window, so that the last call gets this answer whether or not it finished before the call
    Coalesced<Integer> c = coalesced(Duration.ofMinutes(1));

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> c.get(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
    }
    assertThat(started.get()).as("one computation, however many callers").isEqualTo(1);
    gate.countDown();

    assertThat(c.get(Duration.ofSeconds(10))).isEqualTo(1);
    assertThat(started.get()).isEqualTo(1);
  }
}
