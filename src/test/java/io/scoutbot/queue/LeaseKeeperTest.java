package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaseKeeperTest {

  @TempDir Path dir;
  private QueueHarness h;
  private LeaseKeeper keeper;

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 2, 2);
    keeper = new LeaseKeeper(h.queue);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void beat_afterTheAttemptSettledItsOwnJob_doesNotInterruptTheWorker() throws Exception {
    h.submit(1, "a.bin", 10, true);
    Job job = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    Thread worker = parkedThread();
    try (LeaseKeeper.Held held = keeper.hold(job, worker)) {
      h.queue.settle(job, new Settlement.Completed(10));

      keeper.beat();

      // lose() marks the hold lost before it interrupts: not lost means never interrupted
      assertThat(held.lost()).isFalse();
    } finally {
      worker.interrupt();
    }
  }

  @Test
  void beat_afterAnotherWorkerTookTheJob_interruptsTheWorker() throws Exception {
    h.submit(1, "a.bin", 10, true);
    Job job = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    CountDownLatch interrupted = new CountDownLatch(1);
    Thread worker = Thread.ofPlatform().start(() -> {
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    });
    try (LeaseKeeper.Held held = keeper.hold(job, worker)) {
      h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
      h.queue.claim(ClaimRequest.any(new WorkerId("test-node", 99, 9), "local")).orElseThrow();

      keeper.beat();

      assertThat(held.lost()).isTrue();
      assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void phase_isNotRecordedBeforeAByteMoves_thenTheFirstByteRecordsItAtOnce() throws Exception {
    h.submit(1, "a.bin", 10, true);
    Job job = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    try (LeaseKeeper.Held held = keeper.hold(job, Thread.currentThread())) {
      held.phase(Job.STORING, 10);
      keeper.beat();
      assertThat(h.queue.find(job.id()).orElseThrow().phase())
          .as("waiting for a slot or memory is not trying").isNull();

      held.advance(1); // no beat in between: a kill now must still count the attempt

      Job now = h.queue.find(job.id()).orElseThrow();
      assertThat(now.phase()).isEqualTo(Job.STORING);
      assertThat(now.progressBytes()).isEqualTo(1);
    }
  }

  @Test
  void diedAfterItsFirstByte_theTakeoverCountsAFailure_diedBefore_itDoesNot() throws Exception {
    h.submit(1, "a.bin", 10, true);
    h.submit(1, "b.bin", 10, true);
    Job moved = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    Job idle = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    try (LeaseKeeper.Held a = keeper.hold(moved, Thread.currentThread());
        LeaseKeeper.Held b = keeper.hold(idle, Thread.currentThread())) {
      a.phase(Job.STORING, 10);
      a.advance(4);
      b.phase(Job.STORING, 10);
    }
    h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
    WorkerId next = new WorkerId("test-node", 99, 9);

    Job first = h.queue.claim(ClaimRequest.any(next, "local")).orElseThrow();
    Job second = h.queue.claim(ClaimRequest.any(next, "local")).orElseThrow();

    assertThat(first.id()).isEqualTo(moved.id());
    assertThat(first.failures()).isEqualTo(1);
    assertThat(second.id()).isEqualTo(idle.id());
    assertThat(second.failures()).isZero();
  }

  private static Thread parkedThread() {
    return Thread.ofPlatform().start(() -> {
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }
}
