package io.scoutbot.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.catalog.CatalogStats;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.NewFile;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobBoard;
import io.scoutbot.queue.JobQuery;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.QueueCounts;
import io.scoutbot.queue.QueueUsage;
import io.scoutbot.queue.Throughput;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the event feed paces progress and keys events, on a manual clock. */
class JobFeedTest {

  private final ManualClock clock = new ManualClock();
  private final JobBoard board = new RowBoard(); // nothing in it
  private final JobFeed feed = new JobFeed(board, new EmptyCatalog(),
      new Estimates(board, new Throughput(1e6), 1, "local", clock), clock, clock,
      d -> Thread.sleep(d), Duration.ofHours(1));
  private final List<JobEvent> got = new CopyOnWriteArrayList<>();
  private final RowBoard rows = new RowBoard();
  private final StepSleeper steps = new StepSleeper();

  @AfterEach
  void close() {
    feed.close();
  }

  private static Job running(long id, long owner) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new Job(id, owner, new JobSource.Url(java.net.URI.create("https://e/f")), "f.bin",
        1000, "local", JobState.RUNNING, 1, 0, t, null, "ABC123", null, null, 0, 1, t, t, null,
        "tag-" + id, "fetching", false, io.scoutbot.queue.Route.STORE, false, false);
  }

  @Test
  void progress_isThinnedToTheSubscribersInterval_butTheLastOfAPhaseAlwaysArrives() {
    feed.subscribe(OptionalLong.empty(), Duration.ofSeconds(2), got::add);
    Job job = running(1, 7);

    feed.progress(job, "fetching", 100, 1000); // first: always
    clock.advance(Duration.ofMillis(500));
    feed.progress(job, "fetching", 200, 1000); // too soon
    clock.advance(Duration.ofMillis(1600));
    feed.progress(job, "fetching", 500, 1000); // 2.1 s after the first
    clock.advance(Duration.ofMillis(100));
    feed.progress(job, "fetching", 1000, 1000); // the phase's last

    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
    assertThat(got).extracting(e -> ((JobEvent.Progress) e).bytes()).containsExactly(100L, 500L,
        1000L);
    JobEvent.Progress p = (JobEvent.Progress) got.get(1);
    assertThat(p.total()).isEqualTo(1000);
    assertThat(p.bytesPerSecond()).as("500 bytes in 2.1 s").isBetween(230.0, 240.0);
    assertThat(p.eta()).isNotNull();
    assertThat(p.job().tag()).isEqualTo("tag-1");
  }

  @Test
  void theRateAndBytesOfAJobRunningHere_areKnownToTheStatusReport_evenWithNobodySubscribed() {
    Job job = running(1, 7);

    feed.progress(job, "storing", 0, 1000);
    clock.advance(Duration.ofSeconds(2));
    feed.progress(job, "storing", 400, 1000);

    assertThat(feed.motion(1)).hasValue(new JobFeed.Motion("storing", 400, 200.0));
    feed.completed(job, null);
    assertThat(feed.motion(1)).isEmpty();
  }

  @Test
  void eachSubscriber_getsOnlyItsOwnersEvents_andAClosedOneNothingMore() {
    List<JobEvent> seven = new CopyOnWriteArrayList<>();
    List<JobEvent> eight = new CopyOnWriteArrayList<>();
    Subscription s7 = feed.subscribe(OptionalLong.of(7), Duration.ZERO, seven::add);
    feed.subscribe(OptionalLong.of(8), Duration.ZERO, eight::add);

    feed.started(running(1, 7));
    feed.started(running(2, 8));
    await().atMost(Duration.ofSeconds(5)).until(() -> seven.size() == 1 && eight.size() == 1);
    s7.close();
    feed.failed(running(3, 7), "boom", false);
    feed.failed(running(4, 8), "boom", false);

    await().atMost(Duration.ofSeconds(5)).until(() -> eight.size() == 2);
    assertThat(seven).extracting(JobEvent::jobId).containsExactly(1L);
    assertThat(eight).extracting(JobEvent::jobId).containsExactly(2L, 4L);
    assertThat(((JobEvent.Failed) eight.get(1)).job().state()).isEqualTo(JobView.State.FAILED);
  }

  @Test
  void aListenerThatThrows_keepsItsSubscription() {
    feed.subscribe(OptionalLong.empty(), Duration.ZERO, e -> {
      got.add(e);
      throw new IllegalStateException("front end bug");
    });

    feed.started(running(1, 7));
    feed.cancelled(running(1, 7));

    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
    assertThat(got.get(1)).isInstanceOf(JobEvent.Cancelled.class);
  }

  @Test
  void aJobQueuedHere_thatAnotherProcessFinishesBeforeAnyLook_stillEndsWithItsEvent()
      throws Exception {
    try (JobFeed watched = watchedFeed()) {
      watched.subscribe(OptionalLong.of(7), Duration.ZERO, got::add);
      Job queued = job(5, 7, JobState.PENDING);
      rows.put(queued);
      watched.enqueued(queued);
      rows.put(job(5, 7, JobState.COMPLETED)); // a serve took it and stored it between two looks

      steps.look();
      steps.look(); // a second look must not tell it again

      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
      assertThat(got).extracting(e -> e.getClass().getSimpleName())
          .containsExactly("Queued", "Completed");
      steps.look();
      assertThat(got).hasSize(2);
    }
  }

  @Test
  void aJobOfAnotherOwner_runningHere_isNotTakenForFinished_byAWatcherListingOneOwner()
      throws Exception {
    try (JobFeed watched = watchedFeed()) {
      List<JobEvent> all = new CopyOnWriteArrayList<>();
      watched.subscribe(OptionalLong.of(7), Duration.ZERO, got::add);
      Job other = job(9, 8, JobState.RUNNING);
      rows.put(other);
      watched.started(other);

      steps.look();
      watched.subscribe(OptionalLong.empty(), Duration.ZERO, all::add);
      watched.progress(other, "storing", 100, 1000);
      clock.advance(Duration.ofSeconds(2));
      watched.progress(other, "storing", 300, 1000);

      await().atMost(Duration.ofSeconds(5)).until(() -> all.size() == 2);
      assertThat(got).isEmpty();
      assertThat(((JobEvent.Progress) all.get(1)).bytesPerSecond())
          .as("the rate still counts from the phase's start: the look left the job alone")
          .isBetween(140.0, 160.0);
    }
  }

  /** A feed over {@link #rows} whose watcher looks once per {@link StepSleeper#look}. */
  private JobFeed watchedFeed() {
    return new JobFeed(rows, new EmptyCatalog(),
        new Estimates(rows, new Throughput(1e6), 1, "local", clock), clock, clock, steps,
        Duration.ofSeconds(1));
  }

  private static Job job(long id, long owner, JobState state) {
    Job r = running(id, owner);
    return new Job(r.id(), r.ownerId(), r.source(), r.name(), r.size(), r.destination(), state,
        r.attempts(), r.failures(), r.nextAttemptAt(), r.lastError(), r.code(), r.leaseOwner(),
        r.leaseUntil(), r.progressBytes(), r.version(), r.createdAt(), r.startedAt(),
        state.finished() ? r.createdAt() : null, r.tag(), r.phase(), r.cancelRequested(),
        r.route(), r.delivered(), r.takenOver());
  }

  /**
   * A sleeper the test steps: each call to {@link #look} lets the watcher wake once, and returns
   * when it is asleep again, so the look in between is complete.
   */
  private static final class StepSleeper implements io.scoutbot.time.Sleeper {
    private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    private final java.util.concurrent.atomic.AtomicInteger asleep =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      asleep.incrementAndGet();
      wake.acquire();
    }

    void look() {
      await().atMost(Duration.ofSeconds(5)).until(() -> asleep.get() > 0);
      int before = asleep.get();
      wake.release();
      await().atMost(Duration.ofSeconds(5)).until(() -> asleep.get() > before);
    }
  }

  /** A queue of rows the test sets; lists the unfinished ones of the query's owner. */
  private static final class RowBoard implements JobBoard {
    private final java.util.Map<Long, Job> rows = new java.util.concurrent.ConcurrentHashMap<>();

    void put(Job j) {
      rows.put(j.id(), j);
    }

    @Override
    public Optional<Job> find(long id) {
      return Optional.ofNullable(rows.get(id));
    }

    @Override
    public List<Job> list(JobQuery query) {
      return rows.values().stream().filter(j -> !j.state().finished())
          .filter(j -> query.owner().isEmpty()
              || query.owner().getAsLong() == j.ownerId())
          .toList();
    }

    @Override
    public QueueUsage usage(long ownerId) {
      return new QueueUsage(0, 0);
    }

    @Override
    public QueueCounts counts() {
      return new QueueCounts(0, 0, 0, 0, 0, 0, null);
    }
  }

  /** A catalog with nothing in it. */
  private static final class EmptyCatalog implements FileCatalog {
    @Override
    public StoredFile register(NewFile file) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<StoredFile> find(long ownerId, String code) {
      return Optional.empty();
    }

    @Override
    public List<StoredFile> page(long ownerId, int offset, int limit) {
      return List.of();
    }

    @Override
    public CatalogStats stats(long ownerId) {
      return new CatalogStats(0, 0, 0, 0, 0, 0);
    }
  }
}
