package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdaptiveWorkLimitTest {

  @Test
  void startsAtItsMaximum() {
    AdaptiveWorkLimit limit = new AdaptiveWorkLimit(3, 3);

    assertThat(limit.limit()).isEqualTo(3);
    assertThat(limit.max()).isEqualTo(3);
  }

  /** T = throttled sample, C = calm, B = neither (in the hysteresis band); max 3, 2 calm per step. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "C C C,               3 3 3",
    "T,                   1",
    "T C C C C,           1 1 2 2 3",
    "T C C C C C C,       1 1 2 2 3 3 3",
    // a sample in the band restarts the count; pressure drops straight back to 1
    "T C B C C,           1 1 1 1 2",
    "T C C C C T,         1 1 2 2 3 1",
  })
  void followsPressure_dropsToOne_recoversOneStepAtATime(String samples, String limits) {
    AdaptiveWorkLimit limit = new AdaptiveWorkLimit(3, 2);
    List<String> seen = new ArrayList<>();
    for (String s : samples.split(" ")) {
      limit.onSample(s.equals("T"), s.equals("C"));
      seen.add(Integer.toString(limit.limit()));
    }

    assertThat(String.join(" ", seen)).isEqualTo(limits);
  }

  @Test
  void loweredLimit_letsRunningWorkFinish_andHoldsBackNewWork() throws InterruptedException {
    AdaptiveWorkLimit limit = new AdaptiveWorkLimit(3, 1);
    WorkLimit.Slot a = limit.acquire("a");
    WorkLimit.Slot b = limit.acquire("b");
    limit.onSample(true, false);
    CountDownLatch started = new CountDownLatch(1);
    Thread t = Thread.ofPlatform().start(() -> {
      try (WorkLimit.Slot c = limit.acquire("c")) {
        started.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Awaitility.await().until(() -> limit.waiting() == 1);

    a.close();
    assertThat(started.await(100, TimeUnit.MILLISECONDS)).as("one still running").isFalse();
    b.close();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    t.join();
    assertThat(limit.inFlight()).isZero();
  }

  @Test
  void raisedLimit_wakesWaitingWork() throws InterruptedException {
    AdaptiveWorkLimit limit = new AdaptiveWorkLimit(2, 1);
    limit.onSample(true, false);
    WorkLimit.Slot a = limit.acquire("a");
    CountDownLatch started = new CountDownLatch(1);
    Thread t = Thread.ofPlatform().start(() -> {
      try (WorkLimit.Slot b = limit.acquire("b")) {
        started.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Awaitility.await().until(() -> limit.waiting() == 1);

    limit.onSample(false, true);

    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    a.close();
    t.join();
  }

  @Test
  void waiters_areServedInArrivalOrder() throws InterruptedException {
    AdaptiveWorkLimit limit = new AdaptiveWorkLimit(1, 1);
    WorkLimit.Slot first = limit.acquire("first");
    List<String> order = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String name = "w" + i;
      threads.add(Thread.ofPlatform().start(() -> {
        try (WorkLimit.Slot s = limit.acquire(name)) {
          synchronized (order) {
            order.add(name);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      int queued = i + 1;
      Awaitility.await().until(() -> limit.waiting() == queued);
    }

    first.close();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(order).containsExactly("w0", "w1", "w2", "w3", "w4");
  }
}
