package io.scoutbot.resource;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.scoutbot.testing.LogCapture;
import io.scoutbot.testing.ManualClock;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoalescingGcTest {

  private static final long M = 1024 * 1024;

  private final ManualClock clock = new ManualClock();
  private final ManualTimer timer = new ManualTimer();
  private final FakeHeap heap = new FakeHeap();
  private final LogCapture logs = LogCapture.of(CoalescingGc.class);

  @AfterEach
  void tearDown() {
    logs.close();
  }

  private CoalescingGc policy(boolean enabled) {
    return new CoalescingGc(enabled, Duration.ofSeconds(2), clock, timer, heap);
  }

  @Test
  void afterUpload_returnsAtOnce_theCollectionRunsLaterOnTheTimer() {
    CoalescingGc gc = policy(true);

    gc.afterUpload("pentaract");

    assertThat(heap.collections).isZero();
    assertThat(timer.delays()).containsExactly(Duration.ofSeconds(2));
    timer.runDue(clock.nanos() + Duration.ofSeconds(2).toNanos());
    assertThat(heap.collections).isEqualTo(1);
  }

  @Test
  void requestsWithinTheWindow_becomeOneCollection() {
    CoalescingGc gc = policy(true);

    for (int i = 0; i < 16; i++) {
      gc.afterUpload(i % 2 == 0 ? "queue" : "telegram");
      clock.advance(Duration.ofMillis(100));
    }
    timer.runAll();

    assertThat(heap.collections).isEqualTo(1);
    assertThat(gc.stats().requests()).isEqualTo(16);
    assertThat(gc.stats().collections()).isEqualTo(1);
    assertThat(logs.messages(Level.DEBUG))
        .singleElement()
        .satisfies(m -> assertThat(m)
            .startsWith("Garbage collection after 16 upload(s) (queue, telegram)"));
  }

  @Test
  void aRequestAfterTheCollection_schedulesAnother() {
    CoalescingGc gc = policy(true);
    gc.afterUpload("queue");
    timer.runAll();
    clock.advance(Duration.ofSeconds(10));

    gc.afterUpload("queue");
    timer.runAll();

    assertThat(heap.collections).isEqualTo(2);
  }

  @Test
  void countsCollectionsAndBytesReclaimedAndReturnedToTheOs_andLogsHeapCommittedBeforeAndAfter() {
    heap.before = new MemoryUsage(0, 300 * M, 400 * M, 512 * M);
    heap.after = new MemoryUsage(0, 20 * M, 40 * M, 512 * M);
    CoalescingGc gc = policy(true);

    gc.afterUpload("pentaract");
    timer.runAll();

    CoalescingGc.Stats s = gc.stats();
    assertThat(s.collections()).isEqualTo(1);
    assertThat(s.reclaimedBytes()).isEqualTo(280 * M);
    assertThat(s.releasedBytes()).isEqualTo(360 * M);
    assertThat(logs.messages(Level.DEBUG))
        .singleElement()
        .satisfies(m -> assertThat(m)
            .contains("heap committed 400.0 MiB -> 40.0 MiB, used 300.0 MiB -> 20.0 MiB"));
  }

  @Test
  void disabled_neverSchedulesNorCollects() {
    CoalescingGc gc = policy(false);

    gc.afterUpload("pentaract");
    gc.afterUpload("telegram");

    assertThat(timer.delays()).isEmpty();
    assertThat(gc.stats()).isEqualTo(new CoalescingGc.Stats(false, 0, 0, 0, 0));
  }

  @Test
  void aSlowCollection_pushesTheNextOneOut_soCollectingStaysUnderFivePercent() {
    heap.duration = Duration.ofSeconds(1);
    CoalescingGc gc = policy(true);
    gc.afterUpload("queue");
    timer.runAll();

    gc.afterUpload("queue");

    // 1 s collection -> next no sooner than 19 s after it ended
    assertThat(timer.delays()).last().isEqualTo(Duration.ofSeconds(19));
  }

  @Test
  void aRequestDuringASlowCollection_waitsForTheSpacing_notJustTheWindow() {
    heap.duration = Duration.ofSeconds(1);
    CoalescingGc gc = policy(true);
    gc.afterUpload("queue");
    heap.during = () -> gc.afterUpload("pentaract");

    timer.runAll();

    // the request made while collecting is not lost, and waits 19 s after the 1 s collection
    assertThat(heap.collections).isEqualTo(1);
    assertThat(timer.delays()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(19));
    heap.during = () -> {};
    timer.runAll();
    assertThat(heap.collections).isEqualTo(2);
    assertThat(gc.stats().requests()).isEqualTo(2);
  }

  @Test
  void close_dropsAPendingCollection() {
    CoalescingGc gc = policy(true);
    gc.afterUpload("queue");

    gc.close();
    timer.runAll();
    gc.afterUpload("queue");

    assertThat(heap.collections).isZero();
    assertThat(timer.shutdown).isTrue();
  }

  // seed 13 (test_gc_collect_called), against the real JVM heap and thread
  @Test
  void realPolicy_collectsOnItsOwnDaemonThread_notOnTheUploadersThread() {
    List<Thread> collectedOn = new CopyOnWriteArrayList<>();
    CoalescingGc.Heap jvm = CoalescingGc.Heap.jvm();
    CoalescingGc.Heap watched = new CoalescingGc.Heap() {
      @Override
      public MemoryUsage usage() {
        return jvm.usage();
      }

      @Override
      public void collect() {
        collectedOn.add(Thread.currentThread());
        jvm.collect();
      }
    };
    try (CoalescingGc gc = CoalescingGc.create(true, Duration.ofMillis(1), watched)) {
      gc.afterUpload("pentaract");

      Awaitility.await().until(() -> gc.stats().collections() == 1);
      assertThat(collectedOn).singleElement().satisfies(t -> {
        assertThat(t).isNotSameAs(Thread.currentThread());
        assertThat(t.getName()).isEqualTo("scoutbot-gc");
        assertThat(t.isDaemon()).isTrue();
      });
    }
  }

  /** A timer whose tasks the test runs by hand. */
  private final class ManualTimer implements CoalescingGc.Timer {
    private final List<Object[]> tasks = new ArrayList<>(); // {dueNanos, task}
    private final List<Duration> delays = new ArrayList<>();
    private boolean shutdown;

    @Override
    public void schedule(Runnable task, long delayNanos) {
      delays.add(Duration.ofNanos(delayNanos));
      tasks.add(new Object[] {clock.nanos() + delayNanos, task});
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    List<Duration> delays() {
      return delays;
    }

    void runDue(long now) {
      List<Object[]> due = new ArrayList<>();
      for (Object[] t : tasks) {
        if ((long) t[0] <= now) {
          due.add(t);
        }
      }
      tasks.removeAll(due);
      for (Object[] t : due) {
        long at = (long) t[0];
        if (clock.nanos() < at) {
          clock.advance(Duration.ofNanos(at - clock.nanos()));
        }
        ((Runnable) t[1]).run();
      }
    }

    void runAll() {
      runDue(Long.MAX_VALUE);
    }
  }

  /** A heap that reports fixed figures and counts collections; collecting takes {@code duration}. */
  private final class FakeHeap implements CoalescingGc.Heap {
    MemoryUsage before = new MemoryUsage(0, 100 * M, 200 * M, 512 * M);
    MemoryUsage after = new MemoryUsage(0, 50 * M, 150 * M, 512 * M);
    Duration duration = Duration.ofMillis(10);
    Runnable during = () -> {};
    int collections;

    private boolean justCollected;

    @Override
    public MemoryUsage usage() {
      if (justCollected) {
        justCollected = false;
        return after;
      }
      return before;
    }

    @Override
    public void collect() {
      collections++;
      justCollected = true;
      during.run();
      clock.advance(duration);
    }
  }
}
