package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.StorageException;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.transfer.Sha256;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {

  @TempDir Path dir;
  QueueHarness h;
  final List<String> events = new ArrayList<>();

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 3, 2);
    h.events.subscribe(new JobListener() {
      @Override
      public void completed(Job job, StoredFile file) {
        events.add("completed " + file.code() + " " + file.status().dbValue());
      }

      @Override
      public void failed(Job job, String reason, boolean copyKept) {
        events.add("failed " + reason);
      }

      @Override
      public void retrying(Job job, Instant next, String reason) {
        events.add("retrying at " + next + ": " + reason);
      }
    });
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void run_storesTheFile_completesCatalogAndJob_releasesTheTempCopy_andRunsGc() throws Exception {
    Job job = h.submit(1, "report.pdf", 100_000, true);
    Path copy = ((JobSource.LocalFile) job.source()).path();
    assertThat(copy).exists().startsWith(h.spool.dir());

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);

    StoredFile f = h.catalog.find(1, job.code()).orElseThrow();
    assertThat(f.status()).isEqualTo(FileStatus.COMPLETED);
    assertThat(f.size()).isEqualTo(100_000);
    assertThat(f.sha256()).isEqualTo(sha256(h.dir.resolve("files/report.pdf")));
    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(copy).doesNotExist();
    assertThat(h.dir.resolve("files/report.pdf")).exists();
    assertThat(h.gcRuns).hasValue(1);
    assertThat(events).containsExactly("completed " + job.code() + " completed");
  }

  @Test
  void run_storesUnderTheUsersOriginalName_neverTheTempName() throws Exception {
    Job job = h.submit(1, "Отчёт за май.pdf", 10, true);

    h.runner.run(claim(), JobTracker.NONE);

    assertThat(h.storage.objects).containsOnlyKeys(job.code() + "/Отчёт за май.pdf");
    assertThat(h.catalog.find(1, job.code()).orElseThrow().name()).isEqualTo("Отчёт за май.pdf");
  }

  @Test
  void run_fileTheUserStillOwns_isNeverDeleted() throws Exception {
    h.submit(1, "mine.bin", 10, false);

    h.runner.run(claim(), JobTracker.NONE);

    assertThat(h.dir.resolve("files/mine.bin")).exists();
  }

  @Test
  void run_permanentFailure_failsJobAndCatalogWithTheReason_andRemovesTheCopy() throws Exception {
    Job job = h.submit(1, "bad.exe", 10, true);
    h.storage.failure = r -> new StorageException("file type not allowed", Disposition.PERMANENT);

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);

    assertThat(h.queue.find(job.id()).orElseThrow())
        .extracting(Job::state, Job::lastError)
        .containsExactly(JobState.FAILED, "file type not allowed");
    StoredFile f = h.catalog.find(1, job.code()).orElseThrow();
    assertThat(f.status()).isEqualTo(FileStatus.FAILED);
    assertThat(f.error()).isEqualTo("file type not allowed");
    assertThat(((JobSource.LocalFile) job.source()).path()).doesNotExist();
    assertThat(events).containsExactly("failed file type not allowed");
  }

  @Test
  void run_transientFailures_retryWithBackoff_keepTheCopy_thenFailAtTheLimit() throws Exception {
    Job job = h.submit(1, "flaky.bin", 10, true);
    h.storage.failure = r -> new StorageException("HTTP 502", Disposition.RETRY);

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.RETRYING);
    Job pending = h.queue.find(job.id()).orElseThrow();
    assertThat(pending.state()).isEqualTo(JobState.PENDING);
    assertThat(pending.nextAttemptAt()).isEqualTo(h.clock.instant().plusSeconds(5));
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status()).isEqualTo(FileStatus.PENDING);
    assertThat(((JobSource.LocalFile) job.source()).path()).exists();

    h.clock.advance(Duration.ofSeconds(5));
    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.RETRYING);
    h.clock.advance(Duration.ofSeconds(10));
    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);

    assertThat(h.queue.find(job.id()).orElseThrow().lastError())
        .isEqualTo("HTTP 502 (gave up after 3 failed attempts)");
    assertThat(events).hasSize(3);
    assertThat(events.getFirst()).startsWith("retrying at 2026-01-01T00:00:05Z: HTTP 502");
    assertThat(((JobSource.LocalFile) job.source()).path())
        .as("not the file's fault: the user's only copy stays for a retry").exists();
  }

  @Test
  void run_configurationError_blocksTheJob_keepsItsCopy_andCountsNothing() throws Exception {
    Job job = h.submit(1, "kept.bin", 10, true);
    List<String> blocked = new java.util.concurrent.CopyOnWriteArrayList<>();
    h.events.subscribe(new JobListener() {
      @Override
      public void blocked(Job j, String reason) {
        blocked.add(reason);
      }
    });
    h.storage.failure = r -> new StorageException("the Pentaract storage 'Nope' does not exist;"
        + " set PENTARACT_STORAGE to an existing one", Disposition.BLOCKED);

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.BLOCKED);

    Job after = h.queue.find(job.id()).orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.BLOCKED);
    assertThat(after.failures()).isZero();
    assertThat(after.lastError()).contains("does not exist");
    assertThat(h.queue.claim(ClaimRequest.any(h.worker, "local"))).as("not claimable").isEmpty();
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status()).isEqualTo(FileStatus.PENDING);
    assertThat(((JobSource.LocalFile) job.source()).path()).exists();
    assertThat(h.queue.liveOwnedFiles()).contains(((JobSource.LocalFile) job.source()).path());
    assertThat(blocked).hasSize(1);

    // the operator fixes it; serve's next start (or the storage answering again) unblocks it
    h.storage.failure = r -> null;
    assertThat(h.queue.unblock()).isEqualTo(1);
    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);
    assertThat(((JobSource.LocalFile) job.source()).path()).doesNotExist();
  }

  @Test
  void run_urlSource_withoutAUrlFetcher_failsSayingItIsNotAvailable() {
    Job job = h.queue.enqueue(new NewJob(1, new JobSource.Url(URI.create("https://e/f.zip")),
        "f.zip", -1, "local"));

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);

    assertThat(h.queue.find(job.id()).orElseThrow().lastError())
        .isEqualTo("fetching URLs is not available yet in this version of ScoutBot; this job"
            + " cannot run");
    assertThat(h.storage.attempts).hasValue(0);
  }

  @Test
  void run_afterLosingTheLease_discardsItsOutcome_andTheNewOwnerDecides() throws Exception {
    Job job = h.submit(1, "slow.bin", 10, true);
    Job first = claim();
    h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
    Job second = h.queue.claim(ClaimRequest.any(new WorkerId("test-node", 99, 9), "local"))
        .orElseThrow();

    assertThat(h.runner.run(first, JobTracker.NONE)).isEqualTo(JobRunner.Result.LOST);
    assertThat(h.queue.find(job.id()).orElseThrow().leaseOwner()).isEqualTo("test-node/99/9");
    assertThat(((JobSource.LocalFile) job.source()).path()).exists();

    assertThat(h.runner.run(second, JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);
    assertThat(h.storage.objects).hasSize(1);
    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void run_aJobWhoseWorkersKeepDying_failsAtTheLimit_insteadOfCrashLooping() throws Exception {
    Job job = h.submit(1, "oom.bin", 10, true);
    Job claimed = claim();
    for (int i = 1; i < h.policy.maxAttempts(); i++) {
      // the worker dies without a word mid-upload; the lease runs out and another takes it over
      claimed = diesMidUpload(claimed);
    }
    assertThat(claimed.failures()).isEqualTo(h.policy.maxAttempts() - 1);
    claimed = diesMidUpload(claimed);

    assertThat(h.runner.run(claimed, JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);
    assertThat(h.storage.attempts).hasValue(0);
    Job after = h.queue.find(job.id()).orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.FAILED);
    assertThat(after.lastError()).contains("worker gone");
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status()).isEqualTo(FileStatus.FAILED);
    assertThat(((JobSource.LocalFile) job.source()).path())
        .as("perhaps the host's fault: the copy stays for a retry").exists();
  }

  @Test
  void run_interrupted_releasesTheJobBackToThQueue_withoutCountingTheAttempt() throws Exception {
    Job job = h.submit(1, "big.bin", 100_000, true);
    h.storage.during = () -> Thread.currentThread().interrupt();
    try {
      assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.RELEASED);
    } finally {
      Thread.interrupted();
    }
    Job again = h.queue.find(job.id()).orElseThrow();
    assertThat(again.state()).isEqualTo(JobState.PENDING);
    assertThat(again.attempts()).isZero();
    assertThat(again.failures()).isZero();
    assertThat(((JobSource.LocalFile) job.source()).path()).exists();
  }

  @Test
  void run_fileDeletedByItsOwnerWhileQueued_failsWithoutBringingTheEntryBack() throws Exception {
    Job job = h.submit(1, "gone.bin", 10, true);
    h.catalog.markDeleted(1, job.code());

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);

    assertThat(h.catalog.find(1, job.code())).isEmpty();
    assertThat(h.storage.attempts).hasValue(0);
    assertThat(((JobSource.LocalFile) job.source()).path()).doesNotExist();
  }

  @Test
  void run_fileDeletedWhileUploading_removesTheStoredObject() throws Exception {
    Job job = h.submit(1, "racing.bin", 10, true);
    h.storage.during = () -> h.catalog.markDeleted(1, job.code());

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);

    assertThat(h.storage.objects).isEmpty();
    assertThat(h.catalog.find(1, job.code())).isEmpty();
  }

  @Test
  void run_databaseRefusingToRecordAnOutcome_isNotWaitedFor_theRunEnds() throws Exception {
    DatabaseOutage db = new DatabaseOutage(h);
    db.refusing = true;
    JobRunner runner = db.runner();
    h.submit(1, "a.bin", 1000, true);
    Job claimed = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    AtomicInteger waits = new AtomicInteger();
    h.sleeper = nanos -> waits.incrementAndGet();
    h.storage.during = () -> db.down.set(true);

    // a refusal never passes by waiting: the run ends (the pool then puts the job back)
    assertThatThrownBy(() -> runner.run(claimed, JobTracker.NONE))
        .isInstanceOf(io.scoutbot.db.DatabaseFailure.class)
        .hasMessageContaining("unique constraint");
    assertThat(waits).hasValue(0);
  }

  @Test
  void run_databaseDownWhenRecordingACompletedUpload_keepsTheJob_andRecordsItOnceTheDatabaseAnswers()
      throws Exception {
    // the review's scenario: the upload succeeds, then the database is down for several leases
    DatabaseOutage db = new DatabaseOutage(h);
    JobRunner runner = db.runner();
    Job job = h.submit(1, "a.bin", 1000, true);
    Job claimed = h.queue.claim(ClaimRequest.any(WorkerId.current(QueueHarness.NODE), "local"))
        .orElseThrow();
    List<Optional<Job>> takeovers = new ArrayList<>();
    AtomicInteger waits = new AtomicInteger();
    h.sleeper = nanos -> {
      h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
      // another worker of this node looks for due jobs: this process is alive, so it keeps its job
      takeovers.add(h.queue.claim(ClaimRequest.any(h.worker, "local")));
      if (waits.incrementAndGet() == 3) {
        db.down.set(false);
      }
    };
    h.storage.during = () -> db.down.set(true);

    assertThat(runner.run(claimed, JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);

    assertThat(waits).hasValue(3);
    assertThat(takeovers).containsOnly(Optional.empty());
    Job done = h.queue.find(job.id()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.failures()).isZero();
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status())
        .isEqualTo(FileStatus.COMPLETED);
    assertThat(h.storage.uploads.get(job.code() + "/a.bin")).hasValue(1);
    assertThat(((JobSource.LocalFile) job.source()).path()).doesNotExist();
  }

  @Test
  void run_stoppedWhileTheDatabaseIsDown_leavesTheJobLeased_andItsRerunCompletesIt()
      throws Exception {
    DatabaseOutage db = new DatabaseOutage(h);
    Job job = h.submit(1, "a.bin", 1000, true);
    h.storage.during = () -> db.down.set(true);
    h.sleeper = nanos -> {
      throw new InterruptedException(); // serve is stopping
    };

    try {
      assertThat(db.runner().run(claim(), JobTracker.NONE))
          .isEqualTo(JobRunner.Result.UNRECORDED);
    } finally {
      Thread.interrupted();
    }

    Job left = h.queue.find(job.id()).orElseThrow();
    assertThat(left.state()).isEqualTo(JobState.RUNNING);
    assertThat(((JobSource.LocalFile) job.source()).path()).exists();
    db.down.set(false);
    h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status())
        .isEqualTo(FileStatus.COMPLETED);
  }

  @Test
  void run_databaseDownWhenRecordingARetry_updatesTheCatalogBeforeTheJob_andLosesNoState()
      throws Exception {
    DatabaseOutage db = new DatabaseOutage(h);
    db.failing = s -> s == FileStatus.PENDING;
    Job job = h.submit(1, "flaky.bin", 10, true);
    h.storage.failure = r -> {
      db.down.set(true);
      return new StorageException("HTTP 502", Disposition.RETRY);
    };
    h.sleeper = nanos -> db.down.set(false);

    assertThat(db.runner().run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.RETRYING);

    Job pending = h.queue.find(job.id()).orElseThrow();
    assertThat(pending.state()).isEqualTo(JobState.PENDING);
    assertThat(pending.failures()).isEqualTo(1);
    StoredFile entry = h.catalog.find(1, job.code()).orElseThrow();
    assertThat(entry.status()).isEqualTo(FileStatus.PENDING);
    assertThat(entry.error()).startsWith("retrying at ").endsWith("HTTP 502");
  }

  private Job claim() {
    return h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
  }

  /** {@code claimed}'s worker sends bytes, then dies; another worker takes the job over. */
  private Job diesMidUpload(Job claimed) {
    h.queue.renew(claimed, new Heartbeat(Job.STORING, 5, claimed.name(), claimed.size()));
    h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
    return claim();
  }

  private static String sha256(Path p) throws Exception {
    MessageDigest d = Sha256.newDigest();
    d.update(Files.readAllBytes(p));
    return Sha256.hex(d);
  }

  // ---------------------------------------------------------------- the storage's truth

  /** What the storage holds when the job's upload ran to the end: the object under its key. */
  private void storedAlready(Job job, long size) {
    String key = job.code() + "/" + job.name();
    h.storage.objects.put(key, new StoredObject(key, size, "ab".repeat(32), 1));
  }

  @Test
  void takeover_ofAJobWhoseWorkerDiedAfterStoringIt_completesIt_withoutUploadingAgain()
      throws Exception {
    Job job = h.submit(1, "done.bin", 100, true);
    claim(); // the worker that stored it and died before recording it
    storedAlready(job, 100);
    h.clock.advance(QueueHarness.LEASE.plusSeconds(1));
    Job taken = claim();
    assertThat(taken.takenOver()).isTrue();

    assertThat(h.runner.run(taken, JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);

    assertThat(h.storage.attempts).as("not uploaded again").hasValue(0);
    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status())
        .isEqualTo(FileStatus.COMPLETED);
    assertThat(events).containsExactly("completed " + job.code() + " completed");
  }

  @Test
  void theCrashLoopGuard_asksTheStorageFirst_soAStoredFileIsNeverToldAsFailed() throws Exception {
    Job job = h.submit(1, "oom.bin", 10, true);
    Job claimed = claim();
    for (int i = 0; i < h.policy.maxAttempts(); i++) {
      claimed = diesMidUpload(claimed);
    }
    assertThat(claimed.failures()).isGreaterThanOrEqualTo(h.policy.maxAttempts());
    storedAlready(job, 10); // the last worker did store it before it was killed

    assertThat(h.runner.run(claimed, JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);
    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aFailureForGood_whenTheStorageHoldsTheFileAfterAll_completesInstead() throws Exception {
    Job job = h.submit(1, "lost-answer.bin", 100, true);
    h.storage.failure = r -> {
      storedAlready(job, 100); // stored; the answer never came back
      return new StorageException("connection closed before the answer", Disposition.PERMANENT);
    };

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);

    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(events).containsExactly("completed " + job.code() + " completed");
  }

  @Test
  void aFailureForGood_leavesNothingBehindInTheStorage() throws Exception {
    Job job = h.submit(1, "partial.bin", 100, true);
    h.storage.failure = r -> {
      String key = job.code() + "/partial.bin";
      h.storage.objects.put(key, new StoredObject(key, 40, "cd".repeat(32), 1)); // a partial
      return new StorageException("file rejected", Disposition.PERMANENT);
    };

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);

    assertThat(h.storage.objects).isEmpty();
    assertThat(h.storage.presenceChecks).hasValue(1);
  }

  @Test
  void aFailureForGood_whenTheStorageCannotBeAsked_waitsAndAsksAgain_insteadOfFailing()
      throws Exception {
    Job job = h.submit(1, "unknown.bin", 100, true);
    h.storage.failure = r -> new StorageException("file rejected", Disposition.PERMANENT);
    h.storage.presenceFails = true;

    assertThat(h.runner.run(claim(), JobTracker.NONE)).isEqualTo(JobRunner.Result.UNAVAILABLE);

    Job after = h.queue.find(job.id()).orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.PENDING);
    assertThat(after.failures()).isZero();
    assertThat(after.lastError()).contains("the storage could not be asked");
    assertThat(((JobSource.LocalFile) job.source()).path()).exists();
  }
}
