package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.fetch.JobSource;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.JobView;
import io.scoutbot.files.Submission;
import io.scoutbot.files.UploadOutcome;
import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker pool with its real threads: concurrency, waking, lease loss and shutdown. */
class UploadWorkersTest {

  @TempDir Path dir;
  QueueHarness h;
  UploadWorkers pool;
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 3, 50);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (pool != null) {
      pool.close();
    }
    h.close();
  }

  @Test
  void workers_runUpToMaxConcurrentAtOnce_andNoMore() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch threeIn = new CountDownLatch(3);
    h.storage.during = () -> {
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      threeIn.countDown();
      awaitRelease();
      running.decrementAndGet();
    };
    for (int i = 0; i < 7; i++) {
      h.submit(i, "f" + i, 100, true);
    }
    pool = h.workers(Set.of());
    pool.start();

    assertThat(threeIn.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.inFlight()).isEqualTo(3);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.queue.counts().completed() == 7);
    assertThat(peak).hasValue(3);
  }

  @Test
  void afterAnOutage_thePoolProbesWithOneJob_andOpensUpAgainOnceOneSucceeds() throws Exception {
    h.storage.failure = r -> FakeStorage.unavailable();
    for (int i = 0; i < 6; i++) {
      h.submit(i, "f" + i, 100, true);
    }
    pool = h.workers(Set.of());
    pool.start();
    // the outage shows at the first job (others may have started meanwhile); then it pauses
    await().atMost(Duration.ofSeconds(10))
        .until(() -> h.storage.attempts.get() >= 1 && pool.inFlight() == 0);
    int beforeProbe = h.storage.attempts.get();

    CountDownLatch probing = new CountDownLatch(1);
    h.storage.failure = r -> {
      probing.countDown();
      awaitRelease();
      return null; // the backend is back: the probe succeeds
    };
    h.clock.advance(Duration.ofMinutes(10)); // past the pause and every job's backoff
    pool.wake();

    assertThat(probing.await(10, TimeUnit.SECONDS)).isTrue();
    // six jobs are due and three workers idle, yet only the probe runs
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .until(() -> pool.inFlight() == 1);
    assertThat(h.storage.attempts.get()).isEqualTo(beforeProbe + 1);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.queue.counts().completed() == 6);
  }

  @Test
  void blockedJob_waitsWhileTheStorageIsDown_andRunsAgainWhenItTurnsHealthy() throws Exception {
    h.storage.failure = r -> new StorageException("the storage has no storage workers",
        Disposition.BLOCKED);
    h.storageHealthy.set(false);
    h.submit(1, "a.bin", 100, true);
    pool = h.workers(Set.of());
    pool.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.queue.counts().blocked() == 1);

    h.clock.advance(UploadWorkers.BLOCKED_RECHECK.plusSeconds(11));
    pool.wake();
    await().atMost(Duration.ofSeconds(5)).until(() -> h.healthChecks.get() == 1);
    assertThat(h.queue.counts().blocked()).isEqualTo(1);
    assertThat(h.storage.attempts).hasValue(1);

    h.storage.failure = r -> null; // a storage worker was added in Pentaract
    h.storageHealthy.set(true);
    h.clock.advance(UploadWorkers.BLOCKED_RECHECK.plusSeconds(11));
    pool.wake();

    await().atMost(Duration.ofSeconds(10)).until(() -> h.queue.counts().completed() == 1);
    assertThat(h.storage.attempts).hasValue(2);
  }

  @Test
  void blockedJob_whileTheStorageStaysHealthy_waitsForARestartOrRetry_notSentEveryMinute()
      throws Exception {
    // what blocks it is not what the health check sees (say, a file over Pentaract's limit)
    h.storage.failure = r -> new StorageException("Pentaract refused the file as too large",
        Disposition.BLOCKED);
    h.submit(1, "big.bin", 100, true);
    pool = h.workers(Set.of());
    pool.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.queue.counts().blocked() == 1);

    for (int minute = 1; minute <= 5; minute++) {
      int checks = minute;
      h.clock.advance(UploadWorkers.BLOCKED_RECHECK.plusSeconds(11));
      pool.wake();
      await().atMost(Duration.ofSeconds(5)).until(() -> h.healthChecks.get() == checks
          && h.queue.counts().blocked() == 1 && pool.inFlight() == 0);
    }

    assertThat(h.storage.attempts).as("only the first try").hasValue(1);
  }

  @Test
  void workers_wakeOnEnqueue_withoutWaitingForThePoll() throws Exception {
    pool = slowPolling();
    h.events.subscribe(new JobListener() {
      @Override
      public void enqueued(Job job) {
        pool.wake();
      }
    });
    pool.start();

    h.submit(1, "now.bin", 10, true);

    await().atMost(Duration.ofSeconds(5)).until(() -> h.queue.counts().completed() == 1);
  }

  @Test
  void workers_whoseLeaseWasTakenOver_stopTheUpload() throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch uploading = new CountDownLatch(1);
    h.storage.during = () -> {
      uploading.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted.set(true);
        Thread.currentThread().interrupt();
        throw new StorageException("upload cancelled", Disposition.RETRY, e);
      }
    };
    Job job = h.submit(1, "taken.bin", 10, true);
    pool = slowPolling();
    pool.start();
    assertThat(uploading.await(10, TimeUnit.SECONDS)).isTrue();

    h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
    WorkerId other = new WorkerId(QueueHarness.NODE, 77, 7);
    Job taken = h.queue.claim(ClaimRequest.any(other, "local")).orElseThrow();
    assertThat(taken.id()).isEqualTo(job.id());
    pool.beat();

    await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.get() && pool.inFlight() == 0);
    Job now = h.queue.find(job.id()).orElseThrow();
    assertThat(now.state()).isEqualTo(JobState.RUNNING);
    assertThat(now.leaseOwner()).isEqualTo(other.toString());
  }

  @Test
  void heartbeat_keepsALongUploadsLease_andRecordsProgress() throws Exception {
    CountDownLatch uploading = new CountDownLatch(1);
    h.storage.during = () -> {
      uploading.countDown();
      awaitRelease();
    };
    Job job = h.submit(1, "long.bin", 10, true);
    pool = slowPolling();
    pool.start();
    assertThat(uploading.await(10, TimeUnit.SECONDS)).isTrue();

    for (int i = 0; i < 5; i++) {
      h.clock.advance(QueueHarness.LEASE.dividedBy(2));
      pool.beat();
      assertThat(h.queue.claim(ClaimRequest.any(new WorkerId("test-node", 5, 5), "local")))
          .isEmpty();
    }
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(
        () -> h.queue.find(job.id()).orElseThrow().state() == JobState.COMPLETED);
  }

  @Test
  void close_interruptsRunningUploads_andPutsThemBackInTheQueue() throws Exception {
    CountDownLatch uploading = new CountDownLatch(1);
    h.storage.during = () -> {
      uploading.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("upload cancelled", Disposition.RETRY, e);
      }
    };
    Job job = h.submit(1, "stop.bin", 10, true);
    pool = slowPolling();
    pool.start();
    assertThat(uploading.await(10, TimeUnit.SECONDS)).isTrue();

    pool.close();

    Job back = h.queue.find(job.id()).orElseThrow();
    assertThat(back.state()).isEqualTo(JobState.PENDING);
    assertThat(back.attempts()).isZero();
    assertThat(((JobSource.LocalFile) job.source()).path()).exists();
  }

  @Test
  void store_waitsForAJobAnotherProcessClaimed_andReportsItsOutcome() throws Exception {
    Path file = h.file("remote.bin", 10);
    FileDesk desk = h.desk();
    ExecutorService cli = Executors.newSingleThreadExecutor();
    try {
      // the "other process": a serve that claims every job as it is submitted, here
      WorkerId serve = new WorkerId("test-node", ProcessHandle.current().pid(), 0);
      java.util.concurrent.atomic.AtomicReference<Job> claimed =
          new java.util.concurrent.atomic.AtomicReference<>();
      h.events.subscribe(new JobListener() {
        @Override
        public void enqueued(Job job) {
          claimed.set(h.queue.claim(ClaimRequest.any(serve, "local")).orElseThrow());
        }
      });
      Future<List<UploadOutcome>> ended =
          cli.submit(() -> desk.store(1, List.of(Submission.localFile(file)), e -> {}));
      await().atMost(Duration.ofSeconds(10)).until(() -> claimed.get() != null);
      assertThat(h.storage.attempts).hasValue(0);

      // the other process finishes the job
      assertThat(h.runner.run(claimed.get(), JobTracker.NONE))
          .isEqualTo(JobRunner.Result.COMPLETED);

      UploadOutcome outcome = ended.get(10, TimeUnit.SECONDS).getFirst();
      assertThat(outcome.ok()).as(outcome.error()).isTrue();
      assertThat(outcome.job().state()).isEqualTo(JobView.State.COMPLETED);
      assertThat(h.storage.attempts).hasValue(1);
    } finally {
      cli.shutdownNow();
      desk.close();
    }
  }

  @Test
  void store_runsTheCallersJobsHere_andLeavesOtherJobsAlone() throws Exception {
    Job other = h.submit(2, "someone-elses.bin", 10, true);
    Path mine = h.file("mine.bin", 10);

    try (FileDesk desk = h.desk()) {
      List<UploadOutcome> ended = desk.store(1, List.of(Submission.localFile(mine)), e -> {});

      assertThat(ended.getFirst().ok()).isTrue();
      assertThat(ended.getFirst().file().stored()).isTrue();
    }
    assertThat(h.queue.find(other.id()).orElseThrow().state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void serve_trimsOldJobHistoryAtStart_butACliRunningItsOwnJobsLeavesItAlone() throws Exception {
    Job old = h.submit(1, "old.bin", 10, true);
    h.queue.cancel(1, old.id());
    h.clock.advance(Duration.ofDays(31));
    Job mine = h.submit(1, "mine.bin", 10, true);

    try (UploadWorkers cli = h.workers(Set.of(mine.id()))) {
      cli.start();
      assertThat(h.queue.find(old.id())).isPresent();
    }
    pool = h.workers(Set.of());
    pool.start();

    assertThat(h.queue.find(old.id())).isEmpty();
  }

  @Test
  void serveSweep_sparesACopyWhoseSubmissionMayStillWaitForTheDatabase_butRemovesOlderOrphans()
      throws Exception {
    // a --no-wait copy is written before its job row, whose insert may wait a busy timeout
    java.nio.file.Files.createDirectories(h.spool.dir());
    Path waiting = h.spool.dir().resolve("waiting.upload");
    Path orphan = h.spool.dir().resolve("orphan.upload");
    java.nio.file.Files.writeString(waiting, "x");
    java.nio.file.Files.writeString(orphan, "x");
    long now = h.clock.millis();
    java.nio.file.Files.setLastModifiedTime(waiting, java.nio.file.attribute.FileTime.fromMillis(
        now - QueueHarness.LEASE.plusSeconds(25).toMillis()));
    java.nio.file.Files.setLastModifiedTime(orphan, java.nio.file.attribute.FileTime.fromMillis(
        now - QueueHarness.LEASE.plus(io.scoutbot.db.Database.LONGEST_WAIT).plusSeconds(1)
            .toMillis()));

    pool = h.workers(Set.of());
    pool.start();

    assertThat(waiting).exists();
    assertThat(orphan).doesNotExist();
  }

  @Test
  void anUnexpectedErrorEscapingARun_putsTheJobBack_countedAsAFailure_insteadOfStrandingIt()
      throws Exception {
    Job job = h.submit(1, "a.bin", 10, true);
    AtomicBoolean broken = new AtomicBoolean(true);
    // the attempt fails transiently, and recording that hits a bug (not a database outage): the
    // error escapes the runner's own handling
    UploadQueue buggy = new UploadQueue() {
      @Override
      public Job enqueue(NewJob j) {
        return h.queue.enqueue(j);
      }

      @Override
      public java.util.Optional<Job> claim(ClaimRequest r) {
        return h.queue.claim(r);
      }

      @Override
      public Lease renew(Job j, Heartbeat beat) {
        if (broken.getAndSet(false)) {
          throw new IllegalStateException("a bug outside the runner's own handling");
        }
        return h.queue.renew(j, beat);
      }

      @Override
      public boolean settle(Job j, Settlement s) {
        return h.queue.settle(j, s);
      }

      @Override
      public java.util.Optional<Job> find(long id) {
        return h.queue.find(id);
      }
    };
    AtomicBoolean failOnce = new AtomicBoolean(true);
    JobRunner runner = new JobRunner(
        new JobRunner.Ports(buggy, h.catalog, h.catalog, h.catalog, h.storage, h.spool,
            h.jobDirs, request -> {
              if (failOnce.getAndSet(false)) {
                throw new StorageException("a transient failure", Disposition.RETRY);
              }
              return io.scoutbot.fetch.Fetchers.localOnly().fetch(request);
            }, 1 << 20, io.scoutbot.safety.FilePolicy.allowAll()),
        new JobRunner.Governor(
            io.scoutbot.resource.WorkLimit.fixed(1), p -> {}),
        JobRunner.Routing.storeOnly(),
        h.policy, h.events, h.throughput,
        new JobRunner.Seams(h.clock, h.clock, d -> h.clock.advance(d), () -> 0.0));
    pool = new UploadWorkers(
        new UploadWorkers.Settings(h.worker, 1, Duration.ofMillis(100), QueueHarness.LEASE,
            Duration.ofHours(1), 1 << 20, h.policy.outageBackoff()),
        new UploadWorkers.Ports(buggy, h.queue, h.spool, runner, () -> true),
        new UploadWorkers.Governor(io.scoutbot.resource.Gate.open(),
            io.scoutbot.resource.WorkLimit.fixed(1), h.budget,
            () -> false),
        h.clock, io.scoutbot.time.Sleeper.system(), Set.of());
    pool.start();

    // no worker takes over a lease of this live process, so stranding it would be for good
    await().atMost(Duration.ofSeconds(10)).until(() ->
        h.queue.find(job.id()).orElseThrow().state() == JobState.PENDING
            && h.queue.find(job.id()).orElseThrow().failures() == 1);
    h.clock.advance(Duration.ofMinutes(10));
    pool.wake();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        h.queue.find(job.id()).orElseThrow().state() == JobState.COMPLETED);
    assertThat(pool.unexpectedErrors()).isEqualTo(1);
  }

  private UploadWorkers slowPolling() {
    return new UploadWorkers(
        new UploadWorkers.Settings(h.worker, 3, Duration.ofHours(1), QueueHarness.LEASE,
            Duration.ofHours(1), 1 << 20, h.policy.outageBackoff()),
        new UploadWorkers.Ports(h.queue, h.queue, h.spool, h.runner, () -> true),
        new UploadWorkers.Governor(io.scoutbot.resource.Gate.open(),
            io.scoutbot.resource.WorkLimit.fixed(3), h.budget,
            () -> false),
        h.clock, io.scoutbot.time.Sleeper.system(), Set.of());
  }

  private void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("upload cancelled", Disposition.RETRY, e);
    }
  }

  /** A gate that says the host is under pressure and holds its waiters until released. */
  private static final class ClosedGate implements io.scoutbot.resource.Gate {
    final CountDownLatch open = new CountDownLatch(1);
    final CountDownLatch waiting = new CountDownLatch(1);
    volatile boolean pressure = true;

    @Override
    public boolean wouldWait() {
      return pressure;
    }

    @Override
    public void awaitCapacity(String operation) throws InterruptedException {
      awaitCapacity(operation, reason -> {});
    }

    @Override
    public void awaitCapacity(String operation, java.util.function.Consumer<String> onWait)
        throws InterruptedException {
      if (!pressure) {
        return;
      }
      onWait.accept("the host is busy: CPU 97.0% (limit 80.0%)");
      waiting.countDown();
      open.await();
    }
  }

  @Test
  void underPressure_theJobWaitsInTheQueue_notClaimed_soAStopCostsItNoAttempt() throws Exception {
    ClosedGate gate = new ClosedGate();
    h.gate = gate;
    java.util.List<String> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
    h.events.subscribe(new JobListener() {
      @Override
      public void waiting(Job job, String reason) {
        waits.add(job.id() + ": " + reason);
      }
    });
    Job job = h.submit(1, "a.bin", 10, true);
    pool = h.workers(Set.of());
    pool.start();

    assertThat(gate.waiting.await(10, TimeUnit.SECONDS)).isTrue();
    Job meanwhile = h.queue.find(job.id()).orElseThrow();
    assertThat(meanwhile.state()).isEqualTo(JobState.PENDING);
    assertThat(meanwhile.attempts()).isZero();
    assertThat(meanwhile.leaseOwner()).as("no lease is held while waiting").isNull();
    assertThat(waits).containsExactly(job.id() + ": the host is busy: CPU 97.0% (limit 80.0%)");

    pool.close(); // a stop (or a kill: no lease is left to expire) during the wait

    Job after = h.queue.find(job.id()).orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.PENDING);
    assertThat(after.attempts()).isZero();
    assertThat(after.failures()).isZero();
    assertThat(h.storage.attempts).hasValue(0);
  }

  @Test
  void afterWaitingAtTheGate_theNextJobRuns_evenIfThePressureLasts() throws Exception {
    ClosedGate gate = new ClosedGate();
    h.gate = gate;
    Job job = h.submit(1, "a.bin", 10, true);
    pool = h.workers(Set.of());
    pool.start();
    assertThat(gate.waiting.await(10, TimeUnit.SECONDS)).isTrue();

    gate.open.countDown(); // the gate's maximum wait ran out; the host is still busy

    await().atMost(Duration.ofSeconds(10)).until(() ->
        h.queue.find(job.id()).orElseThrow().state() == JobState.COMPLETED);
    assertThat(h.queue.find(job.id()).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void blockedJobs_goBackToTheQueueAtServeStart() throws Exception {
    Job job = h.submit(1, "a.bin", 10, true);
    h.queue.settle(h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow(),
        new Settlement.Blocked("storage missing"));
    h.storageHealthy.set(false);

    pool = slowPolling();
    pool.start(); // serve's start: the operator may have fixed the settings

    await().atMost(Duration.ofSeconds(10)).until(() ->
        h.queue.find(job.id()).orElseThrow().state() == JobState.COMPLETED);
  }

  @Test
  void blockedJobs_goBackToTheQueueWhenTheStorageAnswersAgain_notBefore() throws Exception {
    pool = h.workers(Set.of());
    pool.start();
    h.storage.failure = r -> new StorageException("storage missing", Disposition.BLOCKED);
    Job job = h.submit(1, "a.bin", 10, true);
    pool.wake();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        h.queue.find(job.id()).orElseThrow().state() == JobState.BLOCKED);
    h.storage.failure = r -> null;
    h.storageHealthy.set(false);

    h.clock.advance(UploadWorkers.BLOCKED_RECHECK.plusSeconds(1));
    pool.wake();
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() ->
        h.queue.find(job.id()).orElseThrow().state() == JobState.BLOCKED);

    h.storageHealthy.set(true);
    h.clock.advance(UploadWorkers.BLOCKED_RECHECK.plusSeconds(1));
    pool.wake();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        h.queue.find(job.id()).orElseThrow().state() == JobState.COMPLETED);
  }
}
