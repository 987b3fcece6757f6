package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.scoutbot.testing.FakeResourceProbe;
import io.scoutbot.testing.ManualClock;
import io.scoutbot.time.Sleeper;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The small contracts of {@link Gate} and {@link GcPolicy}, run against every implementation. */
class PortContractsTest {

  /** A gate lets work through at once when the host is not under pressure. */
  abstract static class GateContract {
    final AtomicInteger pauses = new AtomicInteger();
    /** Counts pauses and, like the system sleeper, refuses to pause an interrupted thread. */
    final Sleeper counting = nanos -> {
      pauses.incrementAndGet();
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    };

    abstract Gate calmGate();

    @Test
    void calmHost_letsWorkThroughWithoutPausing() throws InterruptedException {
      Gate gate = calmGate();

      // an interrupted thread cannot wait: any sleep, park or timed wait in the gate would throw
      Thread.currentThread().interrupt();
      try {
        gate.awaitCapacity("upload");
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is left alone")
            .isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThat(pauses).hasValue(0);
    }
  }

  @Nested
  class OpenGate extends GateContract {
    @Override
    Gate calmGate() {
      return Gate.open();
    }
  }

  @Nested
  class ThrottleGateOnCalmHost extends GateContract {
    @Override
    Gate calmGate() {
      ManualClock clock = new ManualClock();
      ResourceMonitor monitor =
          new ResourceMonitor(new FakeResourceProbe().set(30, 40), Configs.defaults(), clock, clock);
      monitor.sampleOnce();
      return new ThrottleGate(monitor, Duration.ofSeconds(5), Duration.ofSeconds(300),
          Duration.ofSeconds(2), clock, counting);
    }
  }

  /**
   * A GC policy returns at once and never throws, whatever the path: it never collects on the
   * uploader's thread, nor waits for a collection elsewhere.
   */
  abstract static class GcPolicyContract {
    final List<Thread> collectedOn = new CopyOnWriteArrayList<>();
    final CountDownLatch endOfTest = new CountDownLatch(1);
    /** A heap whose collections off the test thread last until the test ends. */
    final CoalescingGc.Heap slowHeap = new CoalescingGc.Heap() {
      @Override
      public MemoryUsage usage() {
        return new MemoryUsage(0, 1 << 20, 2 << 20, 4 << 20);
      }

      @Override
      public void collect() {
        collectedOn.add(Thread.currentThread());
        if (Thread.currentThread() != caller) {
          try {
            endOfTest.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    volatile Thread caller;

    /** The policy under test; where it collects at all, it collects through {@code heap}. */
    abstract GcPolicy policy(CoalescingGc.Heap heap);

    @AfterEach
    void endTest() {
      endOfTest.countDown();
    }

    @Test
    void afterUpload_returnsAtOnce_withoutCollectingOnTheCallersThread_forEveryPath() {
      GcPolicy p = policy(slowHeap);

      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        caller = Thread.currentThread(); // preemptive: not the test's own thread
        for (String path : new String[] {"pentaract", "telegram", "queue", "local"}) {
          p.afterUpload(path);
        }
      }, "afterUpload waited for a collection");
      assertThat(collectedOn).doesNotContain(caller);
    }
  }

  @Nested
  class NoGc extends GcPolicyContract {
    @Override
    GcPolicy policy(CoalescingGc.Heap heap) {
      return GcPolicy.none();
    }
  }

  @Nested
  class Coalescing extends GcPolicyContract {
    @Override
    GcPolicy policy(CoalescingGc.Heap heap) {
      CoalescingGc.Timer atOnceElsewhere =
          new CoalescingGc.Timer() {
            @Override
            public void schedule(Runnable task, long delayNanos) {
              Thread.ofPlatform().daemon().name("gc-contract-timer").start(task);
            }

            @Override
            public void shutdown() {}
          };
      return new CoalescingGc(true, Duration.ofSeconds(2), System::nanoTime, atOnceElsewhere, heap);
    }
  }
}
