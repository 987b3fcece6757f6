package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.config.QueueConfig;
import io.scoutbot.db.Database;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.testing.ManualClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the upload queue ({@link UploadQueue}, {@link JobBoard}, {@link
 * QueueHousekeeping}): durable submission with limits, claims with leases, fencing, priority and
 * affinity, settlement, and crash repair. Extended once per database.
 */
public abstract class UploadQueueContract {

  static final String NODE = "node-a";
  static final String DEST = "local";
  static final Duration LEASE = Duration.ofSeconds(60);
  static final Duration AGING = Duration.ofMinutes(10);
  static final Duration KEEP_FINISHED = Duration.ofDays(30);

  @TempDir protected Path dir;

  protected final ManualClock clock = new ManualClock();
  protected Database db;
  protected JdbcFileCatalog catalog;
  protected JdbcUploadQueue queue;
  protected final WorkerId worker = new WorkerId(NODE, ProcessHandle.current().pid(), 0);

  /** A JDBC URL of a fresh, empty database. */
  protected abstract String databaseUrl();

  @BeforeEach
  void open() {
    db = Database.open(databaseUrl());
    catalog = new JdbcFileCatalog(db, FileCodes.random(), clock);
    queue = queue(config(50, 1L << 40, 2));
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static QueueConfig config(int maxJobs, long maxBytes, int maxRunning) {
    return new QueueConfig(maxJobs, maxBytes, maxRunning, LEASE, 3, Duration.ofSeconds(2), AGING,
        KEEP_FINISHED);
  }

  JdbcUploadQueue queue(QueueConfig config) {
    return new JdbcUploadQueue(db, CodeRegistrar.catalog(catalog), clock, config);
  }

  // ---------------------------------------------------------------- submission

  @Test
  void enqueue_recordsPendingJob_andRegistersOriginalNameInCatalog() {
    Job job = queue.enqueue(local(7, "Holiday photos.zip", 1234));

    assertThat(job.state()).isEqualTo(JobState.PENDING);
    assertThat(job.code()).matches("[A-Z0-9]{6}");
    assertThat(job.attempts()).isZero();
    assertThat(job.name()).isEqualTo("Holiday photos.zip");
    StoredFile entry = catalog.find(7, job.code()).orElseThrow();
    assertThat(entry.status()).isEqualTo(FileStatus.PENDING);
    assertThat(entry.name()).isEqualTo("Holiday photos.zip");
    assertThat(queue.find(job.id())).contains(job);
  }

  @Test
  void enqueue_givesIncreasingIds() {
    long a = queue.enqueue(local(1, "a", 1)).id();
    long b = queue.enqueue(local(1, "b", 1)).id();
    assertThat(b).isGreaterThan(a);
  }

  @Test
  void enqueue_overJobLimit_isRefusedWithLimitAndExcess_andRecordsNothing() {
    JdbcUploadQueue q = queue(config(2, 1L << 40, 2));
    q.enqueue(local(5, "a", 1));
    q.enqueue(local(5, "b", 1));

    assertThatThrownBy(() -> q.enqueue(local(5, "c", 1)))
        .isInstanceOf(QueueLimitExceeded.class)
        .hasMessageContaining("QUEUE_MAX_JOBS_PER_USER")
        .hasMessageContaining("you have 2 unfinished uploads and at most 2")
        .hasMessageContaining("1 over");
    assertThat(q.usage(5)).isEqualTo(new QueueUsage(2, 2));
    assertThat(q.list(JobQuery.unfinished(OptionalLong.of(5), 10))).hasSize(2);
    // another user is not affected
    assertThat(q.enqueue(local(6, "d", 1)).state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void enqueue_overByteLimit_namesTheLimitAndByHowMuch() {
    long mib = 1024 * 1024;
    JdbcUploadQueue q = queue(config(50, 10 * mib, 2));
    q.enqueue(local(5, "a", 8 * mib));

    assertThatThrownBy(() -> q.enqueue(local(5, "b", 3 * mib)))
        .isInstanceOf(QueueLimitExceeded.class)
        .hasMessageContaining("QUEUE_MAX_BYTES_PER_USER_MB")
        .hasMessageContaining("11.0 MiB")
        .hasMessageContaining("1.0 MiB over the limit of 10.0 MiB");
  }

  @Test
  void enqueue_finishedJobsNoLongerCountAgainstLimits() {
    JdbcUploadQueue q = queue(config(1, 1L << 40, 2));
    Job first = q.enqueue(local(5, "a", 1));
    Job claimed = q.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    assertThat(claimed.id()).isEqualTo(first.id());
    q.settle(claimed, new Settlement.Completed(1));

    assertThat(q.enqueue(local(5, "b", 1)).state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void enqueue_concurrentSubmissionsOfOneUser_cannotBothSlipPastTheLimit() throws Exception {
    JdbcUploadQueue q = queue(config(10, 1L << 40, 2));
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 4; i++) {
            try {
              q.enqueue(local(9, "f", 1));
              accepted.incrementAndGet();
            } catch (QueueLimitExceeded e) {
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(accepted).hasValue(10);
    assertThat(refused).hasValue(14);
    assertThat(q.usage(9).jobs()).isEqualTo(10);
  }

  @Test
  void enqueue_whenRegistrationFails_recordsNothing_soNoJobRunsLater() {
    JdbcUploadQueue q = new JdbcUploadQueue(db, (tx, job) -> {
      throw new java.sql.SQLException("catalog down");
    }, clock, config(50, 1L << 40, 2));

    assertThatThrownBy(() -> q.enqueue(local(1, "a", 1))).hasMessageContaining("catalog down");
    clock.advance(LEASE.multipliedBy(2));
    assertThat(q.claim(ClaimRequest.any(worker, DEST))).isEmpty();
    assertThat(q.usage(1).jobs()).isZero();
    assertThat(q.counts().cancelled()).isZero();
  }

  @Test
  void enqueue_whenTheDatabaseFailsDuringRegistration_leavesNoJobBehind_evenIfAnUndoWouldFail()
      throws Exception {
    // the review's scenario: registration fails, and so would any compensating write
    failWrites("fail_register", "BEFORE INSERT ON stored_file", null);
    failWrites("fail_cancel", "BEFORE UPDATE OF state ON upload_job", "NEW.state = 'cancelled'");

    assertThatThrownBy(() -> queue.enqueue(local(1, "a.bin", 1)))
        .isInstanceOf(io.scoutbot.db.DatabaseFailure.class);
    dropTriggers("fail_register", "fail_cancel");
    clock.advance(LEASE.plusSeconds(1));

    assertThat(queue.list(JobQuery.unfinished(OptionalLong.empty(), 10))).isEmpty();
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
    assertThat(rows("stored_file")).isZero();
  }

  @Test
  void enqueue_whenTheDatabaseFailsAfterRegistering_leavesNeitherJobNorCatalogEntry()
      throws Exception {
    // whatever write gives the job its code fails, after the catalog entry was inserted
    failWrites("fail_insert", "BEFORE INSERT ON upload_job", "NEW.code IS NOT NULL");
    failWrites("fail_attach", "BEFORE UPDATE OF code ON upload_job", null);

    assertThatThrownBy(() -> queue.enqueue(local(1, "a.bin", 1)))
        .isInstanceOf(io.scoutbot.db.DatabaseFailure.class);
    dropTriggers("fail_insert", "fail_attach");

    assertThat(rows("stored_file")).isZero();
    assertThat(rows("upload_job")).isZero();
  }

  @Test
  void enqueue_whenTheDrawnCodeIsTaken_drawsAnotherInTheSameSubmission() {
    catalog.register(new io.scoutbot.catalog.NewFile(9, "first", 1, "text/plain", DEST,
        FileStatus.COMPLETED));
    String taken = catalog.page(9, 0, 1).getFirst().code();
    java.util.Iterator<String> codes = List.of(taken, taken, "FRESH1").iterator();
    JdbcFileCatalog clashing = new JdbcFileCatalog(db, codes::next, clock);
    JdbcUploadQueue q = new JdbcUploadQueue(db, CodeRegistrar.catalog(clashing), clock,
        config(50, 1L << 40, 2));

    Job job = q.enqueue(local(1, "a.bin", 1));

    assertThat(job.code()).isEqualTo("FRESH1");
    assertThat(q.find(job.id()).orElseThrow().code()).isEqualTo("FRESH1");
    assertThat(catalog.find(1, "FRESH1")).isPresent();
  }

  // ---------------------------------------------------------------- claiming

  @Test
  void claim_leasesTheJob_countsTheAttempt_andRecordsTheWorker() {
    Job job = queue.enqueue(local(1, "a", 10));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    assertThat(claimed.id()).isEqualTo(job.id());
    assertThat(claimed.state()).isEqualTo(JobState.RUNNING);
    assertThat(claimed.attempts()).isEqualTo(1);
    assertThat(claimed.leaseOwner()).isEqualTo(worker.toString());
    assertThat(claimed.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
    assertThat(claimed.version()).isGreaterThan(job.version());
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
  }

  @Test
  void claim_isFirstComeFirstServed_whenNotUnderPressure() {
    Job big = queue.enqueue(local(1, "big", 1_000_000));
    clock.advance(Duration.ofSeconds(1));
    Job small = queue.enqueue(local(2, "small", 10));

    assertThat(claimIds(2, ClaimRequest.any(worker, DEST))).containsExactly(big.id(), small.id());
  }

  @Test
  void claim_underPressure_takesSmallerJobsFirst_butAgedJobsBeforeThem() {
    Job old = queue.enqueue(local(1, "old-huge", 9_000_000));
    clock.advance(AGING.plusSeconds(1));
    Job big = queue.enqueue(local(2, "big", 1_000_000));
    Job unknown = queue.enqueue(new NewJob(3, new JobSource.Url(URI.create("https://x/y")), "u",
        -1, DEST));
    Job small = queue.enqueue(local(4, "small", 10));
    Job medium = queue.enqueue(local(5, "medium", 5_000));

    assertThat(claimIds(5, ClaimRequest.any(worker, DEST).withSmallFirst(true)))
        .containsExactly(old.id(), small.id(), medium.id(), big.id(), unknown.id());
  }

  @Test
  void claim_underPressure_agingPromotesAWaitingBigJob() {
    Job big = queue.enqueue(local(1, "big", 1_000_000));
    clock.advance(Duration.ofMinutes(1));
    queue.enqueue(local(2, "small", 10));
    ClaimRequest smallFirst = ClaimRequest.any(worker, DEST).withSmallFirst(true);
    assertThat(queue.claim(smallFirst).orElseThrow().name()).isEqualTo("small");

    queue.enqueue(local(3, "small2", 10));
    clock.advance(AGING);

    assertThat(queue.claim(smallFirst).orElseThrow().id()).isEqualTo(big.id());
  }

  @Test
  void claim_withMaxSize_takesOnlyJobsThatFit_orAgedOnes() {
    Job big = queue.enqueue(local(1, "big", 1_000_000));
    Job small = queue.enqueue(local(2, "small", 100));
    ClaimRequest fits = ClaimRequest.any(worker, DEST).withMaxSize(1000);

    assertThat(queue.claim(fits).orElseThrow().id()).isEqualTo(small.id());
    assertThat(queue.claim(fits)).isEmpty();
    clock.advance(AGING.plusSeconds(1));
    assertThat(queue.claim(fits).orElseThrow().id()).isEqualTo(big.id());
  }

  @Test
  void claim_localFileJobs_runOnlyOnTheirNode_butUrlAndTelegramJobsRunAnywhere() {
    queue.enqueue(new NewJob(1, new JobSource.LocalFile(dir.resolve("x"), "node-b", true), "x", 1,
        DEST));
    Job url = queue.enqueue(new NewJob(2, new JobSource.Url(URI.create("https://e/f")), "f", -1,
        DEST));
    Job tg = queue.enqueue(new NewJob(3, new JobSource.TelegramFile("AgAD123"), "t", 5, DEST));

    assertThat(claimIds(3, ClaimRequest.any(worker, DEST))).containsExactly(url.id(), tg.id());
    WorkerId onB = new WorkerId("node-b", 1, 0);
    assertThat(queue.claim(ClaimRequest.any(onB, DEST)).orElseThrow().name()).isEqualTo("x");
  }

  @Test
  void claim_takesOnlyJobsForItsDestination() {
    queue.enqueue(new NewJob(1, local(1, "p", 1).source(), "p", 1, "pentaract"));

    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
    assertThat(queue.claim(ClaimRequest.any(worker, "pentaract"))).isPresent();
  }

  @Test
  void claim_respectsTheRunningLimitPerUser() {
    Job a1 = queue.enqueue(local(1, "a1", 1));
    Job a2 = queue.enqueue(local(1, "a2", 1));
    queue.enqueue(local(1, "a3", 1));
    Job b1 = queue.enqueue(local(2, "b1", 1));

    List<Long> first = claimIds(4, ClaimRequest.any(worker, DEST));
    assertThat(first).containsExactly(a1.id(), a2.id(), b1.id());

    queue.settle(queue.find(a1.id()).orElseThrow(), new Settlement.Completed(1));
    assertThat(queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow().name()).isEqualTo("a3");
  }

  @Test
  void claim_concurrentClaimsForOneUser_neverOvershootTheRunningLimit() throws Exception {
    for (int i = 0; i < 12; i++) {
      queue.enqueue(local(3, "f" + i, 1));
    }
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Optional<Job>>> got = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        WorkerId w = new WorkerId(NODE, 1000 + t, 0);
        got.add(pool.submit(() -> {
          start.await();
          return queue.claim(ClaimRequest.any(w, DEST));
        }));
      }
      long claimed = 0;
      for (Future<Optional<Job>> f : got) {
        claimed += f.get().isPresent() ? 1 : 0;
      }
      assertThat(claimed).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void claim_concurrentClaimers_neverGetTheSameJob() throws Exception {
    JdbcUploadQueue q = queue(config(1000, 1L << 40, 1000));
    for (int i = 0; i < 60; i++) {
      q.enqueue(local(i % 7, "f" + i, i));
    }
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    List<Long> all = Collections.synchronizedList(new ArrayList<>());
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        WorkerId w = new WorkerId(NODE, 2000 + t, 0);
        done.add(pool.submit(() -> {
          Optional<Job> j;
          while ((j = q.claim(ClaimRequest.any(w, DEST))).isPresent()) {
            all.add(j.get().id());
            seen.add(j.get().id());
            q.settle(j.get(), new Settlement.Completed(j.get().size()));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(all).hasSize(60);
    assertThat(seen).hasSize(60);
    assertThat(q.counts().completed()).isEqualTo(60);
  }

  @Test
  void claim_withOnlyIds_takesNothingElse() {
    queue.enqueue(local(1, "other", 1));
    Job mine = queue.enqueue(local(1, "mine", 1));
    ClaimRequest r = ClaimRequest.any(worker, DEST).withOnlyIds(Set.of(mine.id()));

    assertThat(claimIds(2, r)).containsExactly(mine.id());
  }

  // ---------------------------------------------------------------- leases

  @Test
  void claim_whenLeaseExpired_returnsJobToAnotherWorker_andFencesTheOldOne() {
    queue.enqueue(local(1, "a", 100));
    Job first = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    WorkerId other = new WorkerId(NODE, 4242, 1);
    assertThat(queue.renew(first, beat(first, 10))).isEqualTo(Lease.HELD); // bytes moved

    clock.advance(LEASE.minusSeconds(1));
    assertThat(queue.claim(ClaimRequest.any(other, DEST))).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    Job second = queue.claim(ClaimRequest.any(other, DEST)).orElseThrow();

    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.failures()).as("a taken-over lease counts as a failure").isEqualTo(1);
    assertThat(second.leaseOwner()).isEqualTo(other.toString());
    assertThat(queue.renew(first, beat(first, 50))).isEqualTo(Lease.LOST);
    assertThat(queue.settle(first, new Settlement.Failed("stale"))).isFalse();
    assertThat(queue.settle(second, new Settlement.Completed(100))).isTrue();
    assertThat(queue.find(first.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void claim_takingOverAnAttemptThatMovedNoByte_countsNoFailure_butMarksTheTakeover() {
    // its worker died waiting for a work slot or memory: nothing was tried, nothing is counted
    queue.enqueue(local(1, "a", 100));
    Job first = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    queue.renew(first, Heartbeat.start(first));
    clock.advance(LEASE.plusSeconds(1));

    Job second = queue.claim(ClaimRequest.any(new WorkerId(NODE, 4242, 1), DEST)).orElseThrow();

    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.failures()).isZero();
    assertThat(second.takenOver()).as("the storage is still asked first").isTrue();
  }

  @Test
  void renew_withoutAPhase_keepsTheRecordedOne() {
    queue.enqueue(local(1, "a", 100));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    queue.renew(claimed, beat(claimed, 10));

    queue.renew(claimed, Heartbeat.start(claimed));

    assertThat(queue.find(claimed.id()).orElseThrow().phase()).isEqualTo(Job.STORING);
  }

  @Test
  void claim_leavesAnExpiredLeaseOfAWorkerProvablyAliveOnItsNode_untilItRenews() {
    // a live worker cut off from the database for longer than its lease renews as soon as it is
    // back; taking its job over would count a failure and upload the file twice at once
    queue.enqueue(new NewJob(1, new JobSource.Url(URI.create("https://e/f")), "f", -1, DEST));
    Job held = queue.claim(ClaimRequest.any(WorkerId.current(NODE), DEST)).orElseThrow();
    queue.renew(held, beat(held, 1));
    clock.advance(LEASE.plusSeconds(1));

    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
    // another node cannot see the process, so it waits out the lease only
    Job taken = queue.claim(ClaimRequest.any(new WorkerId("node-b", 1, 1), DEST)).orElseThrow();
    assertThat(taken.id()).isEqualTo(held.id());
    assertThat(taken.failures()).isEqualTo(1);
  }

  @Test
  void renew_extendsTheLease_andRecordsProgress() {
    queue.enqueue(local(1, "a", 100));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    clock.advance(LEASE.minusSeconds(5));
    assertThat(queue.renew(claimed, beat(claimed, 40))).isEqualTo(Lease.HELD);
    clock.advance(Duration.ofSeconds(30));

    assertThat(queue.claim(ClaimRequest.any(new WorkerId(NODE, 7, 7), DEST))).isEmpty();
    Job now = queue.find(claimed.id()).orElseThrow();
    assertThat(now.progressBytes()).isEqualTo(40);
    assertThat(now.leaseUntil()).isEqualTo(clock.instant().minusSeconds(30).plus(LEASE));
  }

  @Test
  void releaseDeadLeases_freesJobsOfGoneProcessesOnThisNode_only() {
    queue.enqueue(local(1, "dead", 1));
    queue.enqueue(local(2, "alive", 1));
    queue.enqueue(local(3, "elsewhere", 1));
    Assumptions.assumeTrue(WorkerId.provesDeathHere(), "this host cannot prove a process gone");
    WorkerId dead = new WorkerId(NODE, Long.MAX_VALUE / 2, 1, WorkerId.localPidNamespace());
    WorkerId alive = WorkerId.current(NODE);
    WorkerId remote = new WorkerId("node-b", Long.MAX_VALUE / 2, 1);
    Job d = queue.claim(ClaimRequest.any(dead, DEST)).orElseThrow();
    queue.claim(ClaimRequest.any(alive, DEST)).orElseThrow();
    queue.claim(new ClaimRequest(remote, NODE, DEST, false, Long.MAX_VALUE, Set.of()))
        .orElseThrow();

    assertThat(queue.releaseDeadLeases(NODE)).isEqualTo(1);

    Job again = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    assertThat(again.id()).isEqualTo(d.id());
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
  }

  // ---------------------------------------------------------------- settling

  @Test
  void settle_retry_returnsToPending_notClaimableBeforeItsTime_andCountsTheFailure() {
    queue.enqueue(local(1, "a", 1));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    Instant at = clock.instant().plusSeconds(30);

    assertThat(queue.settle(claimed, new Settlement.Retry(at, "HTTP 503", true))).isTrue();

    Job pending = queue.find(claimed.id()).orElseThrow();
    assertThat(pending.state()).isEqualTo(JobState.PENDING);
    assertThat(pending.failures()).isEqualTo(1);
    assertThat(pending.nextAttemptAt()).isEqualTo(at);
    assertThat(pending.lastError()).isEqualTo("HTTP 503");
    assertThat(pending.leaseOwner()).isNull();
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isPresent();
  }

  @Test
  void settle_outageRetry_doesNotCountAgainstTheLimit() {
    queue.enqueue(local(1, "a", 1));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    queue.settle(claimed, new Settlement.Retry(clock.instant(), "down", false));

    assertThat(queue.find(claimed.id()).orElseThrow().failures()).isZero();
  }

  @Test
  void settle_released_isDueAtOnce_andTheAttemptDoesNotCount() {
    queue.enqueue(local(1, "a", 1));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    queue.settle(claimed, new Settlement.Released());

    Job again = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    assertThat(again.attempts()).isEqualTo(1);
  }

  @Test
  void settle_failed_isFinal_withItsReason() {
    queue.enqueue(local(1, "a", 1));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    queue.settle(claimed, new Settlement.Failed("file rejected"));

    Job failed = queue.find(claimed.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.lastError()).isEqualTo("file rejected");
    assertThat(failed.finishedAt()).isEqualTo(clock.instant());
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
  }

  @Test
  void settle_completed_recordsTheStoredSize() {
    queue.enqueue(new NewJob(1, new JobSource.Url(URI.create("https://e/f")), "f", -1, DEST));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    queue.settle(claimed, new Settlement.Completed(777));

    Job done = queue.find(claimed.id()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.size()).isEqualTo(777);
  }

  // ---------------------------------------------------------------- board

  @Test
  void cancel_pendingJob_isFinal_andFreesItsQuota() {
    Job job = queue.enqueue(local(1, "a", 1));

    Job cancelled = queue.cancel(1, job.id());

    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(queue.usage(1).jobs()).isZero();
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
  }

  @Test
  void cancel_ofAFinishedJob_isRefused_sayingHowItEnded() {
    Job job = queue.enqueue(local(1, "a", 1));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    queue.settle(claimed, new Settlement.Completed(1));

    assertThatThrownBy(() -> queue.cancel(1, job.id()))
        .hasMessage("job " + job.id() + " is already completed");
  }

  @Test
  void list_unfinishedInQueueOrder_historyNewestFirst_perOwnerOrAll() {
    Job a = queue.enqueue(local(1, "a", 1));
    clock.advance(Duration.ofSeconds(1));
    Job b = queue.enqueue(local(2, "b", 1));
    clock.advance(Duration.ofSeconds(1));
    Job c = queue.enqueue(local(1, "c", 1));
    Job ca = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    queue.settle(ca, new Settlement.Completed(1));
    clock.advance(Duration.ofSeconds(1));
    queue.cancel(1, c.id());

    assertThat(queue.list(JobQuery.unfinished(OptionalLong.empty(), 10)))
        .extracting(Job::id).containsExactly(b.id());
    assertThat(queue.list(JobQuery.history(OptionalLong.of(1), 10)))
        .extracting(Job::id).containsExactly(c.id(), a.id());
    QueueCounts counts = queue.counts();
    assertThat(counts.pending()).isEqualTo(1);
    assertThat(counts.completed()).isEqualTo(1);
    assertThat(counts.cancelled()).isEqualTo(1);
    assertThat(counts.oldestPending()).isEqualTo(b.createdAt());
  }

  // ---------------------------------------------------------------- crash repair

  @Test
  void liveOwnedFiles_listsOwnedFilesOfEveryUnfinishedJob_whateverItsNode() {
    Path owned = dir.resolve("owned.upload");
    Path done = dir.resolve("done.upload");
    queue.enqueue(new NewJob(1, new JobSource.LocalFile(owned, NODE, true), "o", 1, DEST));
    queue.enqueue(new NewJob(1, new JobSource.LocalFile(dir.resolve("users"), NODE, false), "u",
        1, DEST));
    queue.enqueue(new NewJob(1, new JobSource.LocalFile(dir.resolve("b"), "node-b", true), "b", 1,
        DEST));
    Job d = queue.enqueue(new NewJob(1, new JobSource.LocalFile(done, NODE, true), "d", 1, DEST));
    queue.cancel(1, d.id());

    assertThat(queue.liveOwnedFiles()).containsExactlyInAnyOrder(owned, dir.resolve("b"));
  }

  @Test
  void purgeFinished_deletesOnlyJobsThatFinishedLongerAgoThanKept_andKeepsTheirFiles() {
    Job old = queue.enqueue(local(1, "old-done", 1));
    Job oldCancelled = queue.enqueue(local(1, "old-cancelled", 1));
    Job waiting = queue.enqueue(local(1, "still-waiting", 1));
    queue.settle(queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow(),
        new Settlement.Completed(1));
    queue.cancel(1, oldCancelled.id());
    clock.advance(KEEP_FINISHED.minusHours(1));
    Job recent = queue.enqueue(local(1, "recent-cancelled", 1));
    queue.cancel(1, recent.id());
    clock.advance(Duration.ofHours(2));

    assertThat(queue.purgeFinished()).isEqualTo(2);

    assertThat(queue.find(old.id())).isEmpty();
    assertThat(queue.find(oldCancelled.id())).isEmpty();
    assertThat(queue.find(waiting.id()).orElseThrow().state()).isEqualTo(JobState.PENDING);
    assertThat(queue.find(recent.id())).isPresent();
    // the stored file outlives its job's history
    assertThat(catalog.find(1, old.code())).isPresent();
    assertThat(queue.purgeFinished()).isZero();
  }

  @Test
  void purgeFinished_aHistoryLongerThanOneBatch_goesInSeveralStatements_allOfIt()
      throws Exception {
    int n = JdbcUploadQueue.PURGE_BATCH * 2 + 7;
    long finished = clock.millis();
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.Statement st = c.createStatement()) {
      // one statement on both databases: a long history without thousands of submissions
      st.executeUpdate("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
          + n + ") INSERT INTO upload_job (id, owner_id, source_kind, source_ref, source_owned,"
          + " name, destination, state, attempts, failures, next_attempt_at, progress_bytes,"
          + " version, created_at, finished_at) SELECT 100000 + i, 1, 'url', 'https://e/f', 0,"
          + " 'old', '" + DEST + "', 'completed', 1, 0, 0, 0, 1, " + finished + ", " + finished
          + " FROM n");
    }
    Job waiting = queue.enqueue(local(1, "still-waiting", 1));
    clock.advance(KEEP_FINISHED.plusDays(1));

    assertThat(queue.purgeFinished()).isEqualTo(n);

    assertThat(rows("upload_job")).isEqualTo(1);
    assertThat(queue.find(waiting.id())).isPresent();
  }

  @Test
  void purgeFinished_withKeepZero_keepsEverything() {
    JdbcUploadQueue keepAll = queue(new QueueConfig(50, 1L << 40, 2, LEASE, 3,
        Duration.ofSeconds(2), AGING, Duration.ZERO));
    Job job = keepAll.enqueue(local(1, "a", 1));
    keepAll.cancel(1, job.id());
    clock.advance(Duration.ofDays(3650));

    assertThat(keepAll.purgeFinished()).isZero();
    assertThat(keepAll.find(job.id())).isPresent();
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Makes writes matching {@code event} (and {@code when}, if given) fail the way a failing
   * database does, on SQLite and PostgreSQL alike.
   */
  void failWrites(String name, String event, String when) throws Exception {
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.Statement st = c.createStatement()) {
      if (db.dialect() == io.scoutbot.db.Dialect.SQLITE) {
        st.execute("CREATE TRIGGER " + name + " " + event + " FOR EACH ROW"
            + (when == null ? "" : " WHEN " + when)
            + " BEGIN SELECT RAISE(ABORT, 'database is down'); END");
      } else {
        st.execute("CREATE OR REPLACE FUNCTION scoutbot_down() RETURNS trigger LANGUAGE plpgsql"
            + " AS $$ BEGIN RAISE EXCEPTION 'database is down'; END $$");
        st.execute("CREATE TRIGGER " + name + " " + event + " FOR EACH ROW"
            + (when == null ? "" : " WHEN (" + when + ")") + " EXECUTE FUNCTION scoutbot_down()");
      }
    }
  }

  void dropTriggers(String... names) throws Exception {
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.Statement st = c.createStatement()) {
      for (String name : names) {
        String table = name.equals("fail_register") ? "stored_file" : "upload_job";
        st.execute(db.dialect() == io.scoutbot.db.Dialect.SQLITE ? "DROP TRIGGER " + name
            : "DROP TRIGGER " + name + " ON " + table);
      }
    }
  }

  long rows(String table) throws Exception {
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  NewJob local(long owner, String name, long size) {
    return new NewJob(owner, new JobSource.LocalFile(dir.resolve(name), NODE, false), name, size,
        DEST);
  }

  List<Long> claimIds(int max, ClaimRequest r) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      queue.claim(r).ifPresent(j -> ids.add(j.id()));
    }
    return ids;
  }

  private static Heartbeat beat(Job job, long bytes) {
    return new Heartbeat(Job.STORING, bytes, job.name(), job.size());
  }

  @Test
  void renew_recordsThePhase_andWhatFetchingLearned() {
    queue.enqueue(new NewJob(1, new JobSource.Url(URI.create("https://e/f")), "f", -1, DEST));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    assertThat(queue.renew(claimed, new Heartbeat(Job.FETCHING, 300, "movie.mp4", 1000)))
        .isEqualTo(Lease.HELD);

    Job now = queue.find(claimed.id()).orElseThrow();
    assertThat(now.phase()).isEqualTo(Job.FETCHING);
    assertThat(now.progressBytes()).isEqualTo(300);
    assertThat(now.name()).isEqualTo("movie.mp4");
    assertThat(now.size()).isEqualTo(1000);
  }

  @Test
  void renew_ofAnUnknownSize_keepsTheSizeKnownSoFar() {
    queue.enqueue(local(1, "a", 100));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    queue.renew(claimed, new Heartbeat(Job.STORING, 10, "a", -1));

    assertThat(queue.find(claimed.id()).orElseThrow().size()).isEqualTo(100);
  }

  @Test
  void cancel_ofARunningJob_isRecorded_andItsWorkerLearnsItAtItsNextRenewal() {
    Job job = queue.enqueue(local(1, "a", 100));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    Job asked = queue.cancel(1, job.id());

    assertThat(asked.state()).isEqualTo(JobState.RUNNING);
    assertThat(asked.cancelRequested()).isTrue();
    assertThat(queue.renew(claimed, beat(claimed, 10))).isEqualTo(Lease.CANCEL_REQUESTED);
    assertThat(queue.settle(claimed, new Settlement.Cancelled("cancelled by its owner")))
        .isTrue();
    Job after = queue.find(job.id()).orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.CANCELLED);
    assertThat(after.lastError()).isEqualTo("cancelled by its owner");
    assertThat(after.finishedAt()).isNotNull();
  }

  @Test
  void cancel_ofAnotherUsersJob_readsLikeAnUnknownJob() {
    Job job = queue.enqueue(local(1, "a", 100));

    assertThatThrownBy(() -> queue.cancel(2, job.id())).hasMessage("no job " + job.id());
    assertThatThrownBy(() -> queue.cancel(1, 999_999)).hasMessage("no job 999999");
  }

  @Test
  void enqueue_keepsTheFrontEndsTag_forEveryLaterRead() {
    Job job = queue.enqueue(new NewJob(1, new JobSource.Url(URI.create("https://e/f")), "f", -1,
        DEST, "chat:42:message:7"));

    assertThat(job.tag()).isEqualTo("chat:42:message:7");
    assertThat(queue.find(job.id()).orElseThrow().tag()).isEqualTo("chat:42:message:7");
  }

  @Test
  void aBlockedJob_isNotClaimable_countsAgainstItsOwner_andGoesBackWhenUnblocked() {
    Job job = queue.enqueue(local(1, "a", 100));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();

    assertThat(queue.settle(claimed, new Settlement.Blocked("storage 'x' does not exist")))
        .isTrue();

    Job blocked = queue.find(job.id()).orElseThrow();
    assertThat(blocked.state()).isEqualTo(JobState.BLOCKED);
    assertThat(blocked.failures()).isZero();
    assertThat(blocked.leaseOwner()).isNull();
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isEmpty();
    assertThat(queue.usage(1).jobs()).isEqualTo(1);
    assertThat(queue.counts().blocked()).isEqualTo(1);
    assertThat(queue.blocked()).isEqualTo(1);
    assertThat(queue.list(JobQuery.unfinished(OptionalLong.of(1), 10))).hasSize(1);

    assertThat(queue.unblock()).isEqualTo(1);

    assertThat(queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.PENDING);
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isPresent();
  }

  @Test
  void retry_ofAFailedJob_makesItDueNow_withItsFailuresForgotten() {
    Job job = queue.enqueue(local(1, "a", 100));
    Job claimed = queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow();
    queue.settle(claimed, new Settlement.Failed("gave up", true));
    clock.advance(Duration.ofHours(1));

    Job again = queue.retry(1, job.id());

    assertThat(again.state()).isEqualTo(JobState.PENDING);
    assertThat(again.failures()).isZero();
    assertThat(again.finishedAt()).isNull();
    assertThat(again.nextAttemptAt()).isEqualTo(clock.instant());
    assertThat(queue.claim(ClaimRequest.any(worker, DEST))).isPresent();
  }

  @Test
  void retry_ofAJobThatDidNotFail_orOfAnotherUser_isRefused() {
    Job job = queue.enqueue(local(1, "a", 100));

    assertThatThrownBy(() -> queue.retry(1, job.id()))
        .hasMessageContaining("only a failed or blocked job can be retried");
    assertThatThrownBy(() -> queue.retry(2, job.id())).hasMessage("no job " + job.id());
  }

  @Test
  void theFilesOfBlockedAndFailedJobs_areStillOwned_soNoSweepTakesThem() {
    Path blockedCopy = Path.of("/spool/blocked.upload");
    Path failedCopy = Path.of("/spool/failed.upload");
    queue.enqueue(new NewJob(1, new JobSource.LocalFile(blockedCopy, NODE, true), "b", 1, DEST));
    queue.settle(queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow(),
        new Settlement.Blocked("fix it"));
    queue.enqueue(new NewJob(1, new JobSource.LocalFile(failedCopy, NODE, true), "f", 1, DEST));
    queue.settle(queue.claim(ClaimRequest.any(worker, DEST)).orElseThrow(),
        new Settlement.Failed("gave up", true));

    assertThat(queue.liveOwnedFiles()).contains(blockedCopy, failedCopy);
  }
}
