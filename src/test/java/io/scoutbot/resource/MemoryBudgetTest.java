package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  private static final long K = 1024;
  private static final long M = 1024 * K;

  @RepeatedTest(3)
  void concurrentReservations_neverExceedTheCapacity_andLeaveNothingBehind()
      throws InterruptedException {
    MemoryBudget budget = new MemoryBudget(4 * M, 1 * M);
    AtomicLong held = new AtomicLong();
    AtomicLong most = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 24; t++) {
      long seed = t;
      threads.add(Thread.ofPlatform().start(() -> {
        Random random = new Random(seed);
        try {
          go.await();
          for (int i = 0; i < 300; i++) {
            long size = MemoryBudget.MIN_BUFFER + random.nextLong(M - MemoryBudget.MIN_BUFFER + 1);
            switch (random.nextInt(4)) {
              case 0 -> {
                try (MemoryBudget.Permit p = budget.reserve(size)) {
                  hold(p, held, most);
                }
              }
              case 1 -> {
                Optional<MemoryBudget.Permit> p = budget.tryReserve(size);
                if (p.isPresent()) {
                  try (MemoryBudget.Permit permit = p.get()) {
                    hold(permit, held, most);
                  }
                }
              }
              case 2 -> {
                try (MemoryBudget.Permit p = budget.reserveUpTo(size, MemoryBudget.MIN_BUFFER)) {
                  assertThat(p.bytes()).isBetween(MemoryBudget.MIN_BUFFER, size);
                  hold(p, held, most);
                }
              }
              default -> {
                try (MemoryBudget.Operation op = budget.openOperation("op")) {
                  MemoryBudget.Permit p = op.reserveUpTo(size, MemoryBudget.MIN_BUFFER);
                  hold(p, held, most);
                  if (random.nextBoolean()) {
                    throw new IllegalStateException("upload failed"); // the scope must clean up
                  }
                  p.close();
                } catch (IllegalStateException expected) {
                  // released by the operation's close
                }
              }
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(failure.get()).isNull();
    assertThat(most.get()).isLessThanOrEqualTo(4 * M);
    assertThat(budget.peak()).isLessThanOrEqualTo(4 * M).isPositive();
    assertThat(budget.inUse()).isZero();
    assertThat(budget.waiting()).isZero();
  }

  /** Counts the permit as held while the thread "uses" its buffer. */
  private static void hold(MemoryBudget.Permit p, AtomicLong held, AtomicLong most) {
    most.accumulateAndGet(held.addAndGet(p.bytes()), Math::max);
    Thread.onSpinWait();
    held.addAndGet(-p.bytes());
  }

  @Test
  void exceptionInsideAnOperation_releasesEveryPermitOfIt() {
    MemoryBudget budget = new MemoryBudget(4 * M, 2 * M);

    assertThatThrownBy(() -> {
          try (MemoryBudget.Operation op = budget.openOperation("upload")) {
            op.tryReserve(512 * K).orElseThrow();
            op.tryReserve(256 * K).orElseThrow();
            throw new IllegalStateException("network down");
          }
        })
        .hasMessage("network down");

    assertThat(budget.inUse()).isZero();
    assertThat(budget.peak()).isEqualTo(768 * K);
  }

  @Test
  void interruptedWhileWaiting_throws_leavesTheQueue_andTheNextWaiterIsServed() throws Exception {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    MemoryBudget.Permit all = budget.reserve(1 * M);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread interrupted = Thread.ofPlatform().start(() -> {
      try {
        budget.reserve(512 * K).close();
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    Awaitility.await().until(() -> budget.waiting() == 1);
    CountDownLatch served = new CountDownLatch(1);
    Thread next = Thread.ofPlatform().start(() -> {
      try (MemoryBudget.Permit p = budget.reserve(256 * K)) {
        served.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Awaitility.await().until(() -> budget.waiting() == 2);

    interrupted.interrupt();
    interrupted.join(10_000);
    all.close();

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(served.await(10, TimeUnit.SECONDS)).isTrue();
    next.join(10_000);
    assertThat(budget.inUse()).isZero();
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void perOperationLimit_isEnforced() {
    MemoryBudget budget = new MemoryBudget(8 * M, 1 * M);

    assertThatThrownBy(() -> budget.reserve(2 * M))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RESOURCE_MAX_MEMORY_MB");
    try (MemoryBudget.Operation op = budget.openOperation("download")) {
      assertThat(op.tryReserve(768 * K)).isPresent();
      assertThat(op.tryReserve(512 * K)).as("768 KiB + 512 KiB > 1 MiB").isEmpty();
      assertThat(op.tryReserve(256 * K)).isPresent();
      assertThat(op.held()).isEqualTo(1 * M);
    }
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void refusals_countEveryRequestTurnedDown_andNothingElse() throws InterruptedException {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    try (MemoryBudget.Permit big = budget.reserve(768 * K)) {
      assertThat(budget.tryReserve(512 * K)).as("does not fit now").isEmpty();
      assertThat(budget.reserve(512 * K, Duration.ZERO)).as("timed out at once").isEmpty();
      assertThat(budget.tryReserve(128 * K)).as("fits").isPresent().get()
          .satisfies(MemoryBudget.Permit::close);
    }
    try (MemoryBudget.Operation op = budget.openOperation("upload")) {
      assertThat(op.tryReserve(768 * K)).isPresent();
      assertThat(op.tryReserve(512 * K)).as("over the per-operation limit").isEmpty();
    }

    assertThat(budget.refusals()).isEqualTo(3);
  }

  @Test
  void perOperationLimit_isCappedByTheCapacity() {
    MemoryBudget budget = new MemoryBudget(1 * M, 500 * M);

    assertThat(budget.perOperation()).isEqualTo(1 * M);
  }

  @Test
  void waiters_areServedFirstComeFirstServed_evenWhenALaterSmallOneWouldFit() throws Exception {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    MemoryBudget.Permit head = budget.reserve(768 * K);
    List<String> order = new ArrayList<>();
    Thread large = waiter(budget, 1 * M, "large", order);
    Awaitility.await().until(() -> budget.waiting() == 1);
    Thread small = waiter(budget, 128 * K, "small", order);
    Awaitility.await().until(() -> budget.waiting() == 2);

    // 256 KiB are free: the small request would fit, but it may not overtake the large one
    assertThat(budget.tryReserve(64 * K)).as("tryReserve never jumps the queue").isEmpty();
    head.close();
    large.join(10_000);
    small.join(10_000);

    assertThat(order).containsExactly("large", "small");
    assertThat(budget.inUse()).isZero();
  }

  private static Thread waiter(MemoryBudget budget, long bytes, String name, List<String> order) {
    return Thread.ofPlatform().start(() -> {
      try (MemoryBudget.Permit p = budget.reserve(bytes)) {
        synchronized (order) {
          order.add(name);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @Test
  void reserveUpTo_shrinksTheChunkToWhatIsLeft_theAdaptiveChunkSize() throws InterruptedException {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    try (MemoryBudget.Permit big = budget.reserve(768 * K);
        MemoryBudget.Permit chunk = budget.reserveUpTo(1 * M, 64 * K)) {
      assertThat(chunk.bytes()).isEqualTo(256 * K);
      assertThat(chunk.buffer()).hasSize((int) (256 * K));
    }
  }

  @Test
  void timedReserve_givesUpAfterItsTimeout_andANegativeTimeoutDoesNotWaitForEver()
      throws InterruptedException {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    try (MemoryBudget.Permit all = budget.reserve(1 * M)) {
      assertThat(budget.reserve(64 * K, Duration.ofMillis(20))).isEmpty();
      assertThat(budget.reserve(64 * K, Duration.ofSeconds(-1))).isEmpty();
      assertThat(budget.reserve(64 * K, Duration.ZERO)).isEmpty();
    }
    assertThat(budget.reserve(64 * K, Duration.ofDays(365_000_000L))).isPresent();
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void anOperationHoldingMemory_cannotWaitForMore_soTwoCannotDeadlock() throws Exception {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    try (MemoryBudget.Operation op = budget.openOperation("upload A")) {
      op.reserveUpTo(512 * K, 64 * K);

      assertThatThrownBy(() -> op.reserveUpTo(512 * K, 64 * K))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already holds 524288 bytes");
      assertThat(op.tryReserve(256 * K)).as("non-blocking top-ups stay allowed").isPresent();
    }
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void operationClosedWhileItsReservationWaits_givesTheMemoryBack() throws Exception {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    MemoryBudget.Permit all = budget.reserve(1 * M);
    MemoryBudget.Operation op = budget.openOperation("cancelled upload");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        op.reserveUpTo(512 * K, 64 * K);
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    Awaitility.await().until(() -> budget.waiting() == 1);

    op.close();
    all.close();
    t.join(10_000);

    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(budget.inUse()).isZero();
    assertThatThrownBy(() -> op.tryReserve(64 * K)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingAPermitTwice_releasesItOnce() throws InterruptedException {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    MemoryBudget.Permit p = budget.reserve(512 * K);
    MemoryBudget.Permit q = budget.reserve(256 * K);

    p.close();
    p.close();

    assertThat(budget.inUse()).isEqualTo(256 * K);
    assertThatThrownBy(p::buffer).isInstanceOf(IllegalStateException.class);
    q.close();
  }

  @Test
  void invalidSizes_areRejected_withoutCorruptingTheOperation() {
    MemoryBudget budget = new MemoryBudget(1 * M, 1 * M);
    try (MemoryBudget.Operation op = budget.openOperation("x")) {
      assertThatThrownBy(() -> op.tryReserve(-5)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> op.tryReserve(0)).isInstanceOf(IllegalArgumentException.class);
      assertThat(op.held()).isZero();
      assertThat(op.tryReserve(1 * M)).isPresent();
    }
  }

  @Test
  void peak_isTheHighWaterMark() throws InterruptedException {
    MemoryBudget budget = new MemoryBudget(4 * M, 2 * M);
    try (MemoryBudget.Permit a = budget.reserve(2 * M); MemoryBudget.Permit b = budget.reserve(M)) {
      assertThat(budget.inUse()).isEqualTo(3 * M);
    }
    budget.reserve(M).close();

    assertThat(budget.peak()).isEqualTo(3 * M);
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void defaultCapacity_isFortyPercentOfTheMaxHeap() {
    assertThat(MemoryBudget.defaultCapacity(100 * M)).isEqualTo(40 * M);
    assertThat(MemoryBudget.defaultCapacity(96 * M)).isEqualTo(96 * M / 5 * 2);
  }
}
