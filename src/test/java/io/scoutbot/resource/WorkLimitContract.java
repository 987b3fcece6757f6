package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What every {@link WorkLimit} guarantees: never more than {@link WorkLimit#limit()} slots held at
 * once, closing a slot twice is harmless, and a waiting acquire is interruptible. Extend once per
 * implementation; the limit under test is 2.
 */
abstract class WorkLimitContract {

  /** A fresh limit of 2 slots. */
  protected abstract WorkLimit limitOfTwo();

  @Test
  void concurrentOperations_neverHoldMoreThanTheLimit() throws InterruptedException {
    WorkLimit limit = limitOfTwo();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int j = 0; j < 200; j++) {
          try (WorkLimit.Slot slot = limit.acquire("op")) {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            Thread.onSpinWait();
            running.decrementAndGet();
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(limit.limit()).isEqualTo(2);
    assertThat(most.get()).isBetween(1, 2);
  }

  @Test
  void closingASlotTwice_releasesItOnce() throws InterruptedException {
    WorkLimit limit = limitOfTwo();
    WorkLimit.Slot a = limit.acquire("a");
    a.close();
    a.close();
    WorkLimit.Slot b = limit.acquire("b");
    WorkLimit.Slot c = limit.acquire("c");

    CountDownLatch third = new CountDownLatch(1);
    Thread t = Thread.ofPlatform().start(() -> {
      try (WorkLimit.Slot d = limit.acquire("d")) {
        third.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(third.await(100, TimeUnit.MILLISECONDS)).as("a third slot while two are held")
        .isFalse();
    b.close();
    assertThat(third.await(10, TimeUnit.SECONDS)).isTrue();
    c.close();
    t.join();
  }

  @Test
  void waitingAcquire_isInterruptible() throws InterruptedException {
    WorkLimit limit = limitOfTwo();
    WorkLimit.Slot a = limit.acquire("a");
    WorkLimit.Slot b = limit.acquire("b");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        limit.acquire("c").close();
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    Awaitility.await().until(() -> t.getState() == Thread.State.WAITING);

    t.interrupt();
    t.join(10_000);

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    a.close();
    b.close();
    limit.acquire("after").close(); // the interrupted waiter left nothing behind
  }
}
