package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.fetch.JobSource;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.FileView;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.JobView;
import io.scoutbot.files.Submission;
import io.scoutbot.files.Subscription;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade's job events as a front end meets them: every source, every outcome, jobs run by this
 * process and by another one, and cancelling a running job.
 */
class FileDeskEventsTest {

  @TempDir Path dir;
  private QueueHarness h;
  private FileDesk desk;
  private final List<JobEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 2, 2);
    desk = h.desk();
  }

  @AfterEach
  void tearDown() {
    desk.close();
    h.close();
  }

  private List<JobEvent> of(long jobId) {
    return events.stream().filter(e -> e.jobId() == jobId).toList();
  }

  private JobEvent lastOf(long jobId) {
    List<JobEvent> mine = of(jobId);
    return mine.isEmpty() ? null : mine.getLast();
  }

  @Test
  void aUrlAndATelegramJob_failAsNotAvailable_andALocalFile_completesWithItsCode()
      throws Exception {
    Path file = h.file("report.pdf", 3000);
    try (Subscription s = desk.subscribe(OptionalLong.of(1), Duration.ZERO, events::add)) {
      JobView url = desk.submit(1, Submission.url(URI.create("https://example.org/a/movie.mp4")));
      JobView telegram = desk.submit(1, Submission.telegramFile("BQACAgIAAxk", "song.mp3",
          4_000_000));
      JobView local = desk.submit(1, Submission.localCopy(file));

      h.runDue(Set.of(url.id(), telegram.id(), local.id()));

      await().atMost(Duration.ofSeconds(10)).until(() -> lastOf(url.id()) instanceof
          JobEvent.Failed && lastOf(telegram.id()) instanceof JobEvent.Failed
          && lastOf(local.id()) instanceof JobEvent.Completed);
      assertThat(url.name()).as("named after the URL until the server says").isEqualTo(
          "movie.mp4");
      assertThat(((JobEvent.Failed) lastOf(url.id())).reason())
          .startsWith("fetching URLs is not available yet");
      assertThat(((JobEvent.Failed) lastOf(telegram.id())).reason())
          .startsWith("receiving files from Telegram is not available yet");
      assertThat(of(local.id())).extracting(e -> e.getClass().getSimpleName())
          .startsWith("Queued", "Started").contains("Progress").endsWith("Completed");
      FileView stored = ((JobEvent.Completed) lastOf(local.id())).file();
      assertThat(stored.code()).isEqualTo(local.code()).matches("[A-Z0-9]{6}");
      assertThat(stored.stored()).isTrue();
      assertThat(stored.size()).isEqualTo(3000);
      assertThat(of(local.id())).allSatisfy(e -> assertThat(e.job().ownerId()).isEqualTo(1));
    }
    List<JobView> jobs = desk.jobs(OptionalLong.of(1), 10);
    assertThat(jobs).extracting(JobView::state)
        .containsOnly(JobView.State.COMPLETED, JobView.State.FAILED);
    assertThat(jobs).extracting(JobView::source)
        .containsExactlyInAnyOrder("url", "telegram", "local_file");
  }

  @Test
  void aSubscriberOfOneOwner_hearsNothingOfAnothersJobs() throws Exception {
    try (Subscription s = desk.subscribe(OptionalLong.of(1), Duration.ZERO, events::add)) {
      JobView theirs = desk.submit(2, Submission.localCopy(h.file("theirs.bin", 10)));
      JobView mine = desk.submit(1, Submission.localCopy(h.file("mine.bin", 10)));
      h.runDue(Set.of(theirs.id(), mine.id()));

      await().atMost(Duration.ofSeconds(10)).until(
          () -> lastOf(mine.id()) instanceof JobEvent.Completed);
      assertThat(of(theirs.id())).isEmpty();
    }
  }

  @Test
  void aJobRunByAnotherProcess_isToldFromTheDatabase_startToEnd() throws Exception {
    // the "other process": a runner whose events this process never hears
    JobRunner elsewhere = h.runnerPublishingTo(new JobEvents());
    Job job = h.submit(1, "far.bin", 2000, true);
    try (Subscription s = desk.subscribe(OptionalLong.of(1), Duration.ZERO, events::add)) {
      Job claimed = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
      await().atMost(Duration.ofSeconds(10)).until(
          () -> lastOf(job.id()) instanceof JobEvent.Started);

      assertThat(elsewhere.run(claimed, JobTracker.NONE)).isEqualTo(JobRunner.Result.COMPLETED);

      await().atMost(Duration.ofSeconds(10)).until(
          () -> lastOf(job.id()) instanceof JobEvent.Completed);
      JobEvent.Completed done = (JobEvent.Completed) lastOf(job.id());
      assertThat(done.file().code()).isEqualTo(job.code());
      assertThat(done.job().state()).isEqualTo(JobView.State.COMPLETED);
      assertThat(of(job.id())).filteredOn(e -> e instanceof JobEvent.Completed).hasSize(1);
    }
  }

  @Test
  void cancel_ofARunningJob_stopsItsWorker_removesItsCopy_andTellsCancelled() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    h.storage.during = () -> {
      inside.countDown();
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.scoutbot.storage.StorageException("upload cancelled",
            io.scoutbot.retry.Disposition.RETRY, e);
      }
    };
    Job job = h.submit(1, "long.bin", 1000, true);
    Path copy = ((JobSource.LocalFile) job.source()).path();
    try (Subscription s = desk.subscribe(OptionalLong.of(1), Duration.ZERO, events::add);
        UploadWorkers pool = h.workers(Set.of(job.id()))) {
      pool.start();
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

      JobView asked = desk.cancel(1, job.id());
      assertThat(asked.state()).as("still running until its worker stops")
          .isEqualTo(JobView.State.RUNNING);
      pool.beat(); // the heartbeat that carries the request to the worker

      await().atMost(Duration.ofSeconds(10)).until(
          () -> lastOf(job.id()) instanceof JobEvent.Cancelled);
    }
    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(desk.info(1, job.code()).orElseThrow().error())
        .isEqualTo("cancelled by its owner");
    assertThat(copy).doesNotExist();
    assertThat(h.storage.objects).isEmpty();
  }

  @Test
  void cancel_ofAPendingJob_tellsCancelled_andFailsItsEntry() throws Exception {
    try (Subscription s = desk.subscribe(OptionalLong.of(1), Duration.ZERO, events::add)) {
      JobView job = desk.submit(1, Submission.localCopy(h.file("later.bin", 10)));

      JobView cancelled = desk.cancel(1, job.id());

      assertThat(cancelled.state()).isEqualTo(JobView.State.CANCELLED);
      await().atMost(Duration.ofSeconds(10)).until(
          () -> lastOf(job.id()) instanceof JobEvent.Cancelled);
      assertThat(desk.info(1, job.code()).orElseThrow().state())
          .isEqualTo(FileView.State.FAILED);
    }
  }

  @Test
  void retry_ofAJobThatGaveUp_runsItAgainFromItsKeptCopy() throws Exception {
    h.storage.failure = r -> new io.scoutbot.storage.StorageException("HTTP 502",
        io.scoutbot.retry.Disposition.RETRY);
    JobView job = desk.submit(1, Submission.localCopy(h.file("again.bin", 10)));
    for (int i = 0; i < h.policy.maxAttempts(); i++) {
      h.runDue(Set.of(job.id()));
      h.clock.advance(Duration.ofHours(1));
    }
    assertThat(desk.job(1, job.id()).orElseThrow().state()).isEqualTo(JobView.State.FAILED);
    h.storage.failure = r -> null;

    JobView again = desk.retry(1, job.id());

    assertThat(again.state()).isEqualTo(JobView.State.PENDING);
    assertThat(desk.info(1, job.code()).orElseThrow().state()).isEqualTo(FileView.State.PENDING);
    h.runDue(Set.of(job.id()));
    assertThat(desk.info(1, job.code()).orElseThrow().stored()).isTrue();
  }

  @Test
  void retry_ofAJobWhoseFileWasRefused_saysToUploadItAgain() throws Exception {
    h.storage.failure = r -> new io.scoutbot.storage.StorageException("file type not allowed",
        io.scoutbot.retry.Disposition.PERMANENT);
    JobView job = desk.submit(1, Submission.localCopy(h.file("refused.exe", 10)));
    h.runDue(Set.of(job.id()));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> desk.retry(1, job.id()))
        .hasMessageContaining("its file copy was removed; upload the file again");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> desk.retry(2, job.id()))
        .hasMessage("no job " + job.id());
  }

  @Test
  void aRunningJobWhoseWorkerIsGone_isShownAsSuch_notAsRunningForEver() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(WorkerId.provesDeathHere(),
        "this host cannot prove a process dead by its pid");
    Job job = h.submit(1, "orphan.bin", 10, true);
    // claimed on this node by a process that no longer exists (no pid is this large)
    h.queue.claim(ClaimRequest.any(new WorkerId(QueueHarness.NODE, 4_000_000_000L, 1,
        WorkerId.localPidNamespace()), "local"))
        .orElseThrow();

    JobView view = desk.job(1, job.id()).orElseThrow();

    assertThat(view.state()).isEqualTo(JobView.State.RUNNING);
    assertThat(view.workerGone()).isTrue();
    assertThat(view.runningOn()).isEqualTo(QueueHarness.NODE + " pid 4000000000");

    Job alive = h.submit(1, "alive.bin", 10, true);
    h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    assertThat(desk.job(1, alive.id()).orElseThrow().workerGone()).isFalse();
  }
}
