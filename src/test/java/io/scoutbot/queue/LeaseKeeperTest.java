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
