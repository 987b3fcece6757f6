package io.scoutbot.queue;

import io.scoutbot.fetch.JobSource;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.resource.Gate;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.transfer.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's side of the file facade: submits local files as jobs (copied into temp space first
 * when the caller will not wait), runs a caller's jobs to the end or waits for the process that
 * claimed them, lists jobs with estimates, and cancels them. Thread-safe.
 */
public final class UploadJobs {

  /** Covers every unfinished job one user can have (QUEUE_MAX_JOBS_PER_USER is at most this). */
  private static final int QUERY_LIMIT = 100_000;

  private static final Logger log = LoggerFactory.getLogger(UploadJobs.class);

  /** Builds a worker pool that runs only the given jobs, sending their progress to one sink. */
  @FunctionalInterface
  public interface ScopedWorkers {
    UploadWorkers forJobs(Set<Long> ids, Progress progress);
  }

  /** A job and when it should be done; {@code eta} is null when finished or unknown. */
  public record JobView(Job job, Instant eta) {}

  private final UploadQueue queue;
  private final JobBoard board;
  private final QueueLimits limits;
  private final JobSpool spool;
  private final FileCatalog catalog;
  private final JobEvents events;
  private final Gate gate;
  private final ScopedWorkers workers;
  private final Throughput throughput;
  private final int slots;
  private final Duration watchInterval;
  private final InstantSource clock;
  private final String node;
  private final String destination;

  public UploadJobs(
      UploadQueue queue,
      JobBoard board,
      QueueLimits limits,
      JobSpool spool,
      FileCatalog catalog,
      JobEvents events,
      Gate gate,
      ScopedWorkers workers,
      Throughput throughput,
      int slots,
      Duration watchInterval,
      InstantSource clock,
      String node,
      String destination) {
    this.queue = queue;
    this.board = board;
    this.limits = limits;
    this.spool = spool;
    this.catalog = catalog;
    this.events = events;
    this.gate = gate;
    this.workers = workers;
    this.throughput = throughput;
    this.slots = slots;
    this.watchInterval = watchInterval;
    this.clock = clock;
    this.node = node;
    this.destination = destination;
  }

  /**
   * Submits the local file {@code file} (absolute, already checked to be storable) as a job of
   * {@code ownerId} under the user's name {@code name}.
   *
   * @param copy copy the file into temp space first, so the user may delete or move the original;
   *     the job owns the copy. Without it the job reads the user's file in place and never deletes
   *     it
   * @throws QueueLimitExceeded when over a limit; nothing is recorded and no copy is kept
   */
  public Job submit(long ownerId, Path file, String name, long size, boolean copy)
      throws InterruptedException {
    Path source = file;
    long bytes = size;
    if (copy) {
      // refuse before copying a large file that would be refused anyway
      limits.check(board.usage(ownerId), size);
      gate.awaitCapacity("copy to temp space");
      source = spool.copyIn(file);
      bytes = fileSize(source, size);
    }
    try {
      Job job =
          queue.enqueue(new NewJob(ownerId, new JobSource.LocalFile(source, node, copy), name,
              bytes, destination));
      events.enqueued(job);
      log.info("Queued job {}: {} as {} ({} bytes, {})", job.id(), name, job.code(), bytes,
          copy ? "copied to temp space" : "read in place");
      return job;
    } catch (RuntimeException e) {
      if (copy) {
        spool.discard(source);
      }
      throw e;
    }
  }

  /**
   * Runs {@code jobs} to their end: in this process, or, when another process (a running {@code
   * serve}) claims them, by watching their rows. Tells {@code observer} of every outcome and retry.
   * Blocks until every job is completed, failed or cancelled.
   *
   * @return the jobs as they ended, in the given order
   */
  public List<Job> runToEnd(List<Job> jobs, Progress progress, JobListener observer)
      throws InterruptedException {
    Map<Long, Job> last = new LinkedHashMap<>();
    jobs.forEach(j -> last.put(j.id(), j));
    ReentrantLock lock = new ReentrantLock();
    Condition changed = lock.newCondition();
    JobListener wake =
        new JobListener() {
          @Override
          public void completed(Job job, io.scoutbot.catalog.StoredFile file) {
            signal();
          }

          @Override
          public void failed(Job job, String reason) {
            signal();
          }

          @Override
          public void retrying(Job job, Instant next, String reason) {
            signal();
          }

          private void signal() {
            lock.lock();
            try {
              changed.signalAll();
            } finally {
              lock.unlock();
            }
          }
        };
    try (JobEvents.Subscription s = events.subscribe(wake);
        UploadWorkers pool = workers.forJobs(Set.copyOf(last.keySet()), progress)) {
      pool.start();
      while (true) {
        boolean done = true;
        for (Map.Entry<Long, Job> e : last.entrySet()) {
          Job before = e.getValue();
          if (before.state().finished()) {
            continue;
          }
          Job now = board.find(e.getKey()).orElse(before);
          report(before, now, observer);
          e.setValue(now);
          done &= now.state().finished();
        }
        if (done) {
          return List.copyOf(last.values());
        }
        lock.lockInterruptibly();
        try {
          changed.awaitNanos(watchInterval.toNanos());
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /**
   * Unfinished jobs in queue order with their estimated finish times, then the most recent
   * finished ones.
   */
  public List<JobView> list(OptionalLong owner, int limit) {
    List<Job> unfinished = board.list(JobQuery.unfinished(OptionalLong.empty(), 10_000));
    seedThroughput();
    List<Job> running = new ArrayList<>();
    List<Job> pending = new ArrayList<>();
    for (Job j : unfinished) {
      if (!j.destination().equals(destination)) {
        continue;
      }
      (j.state() == JobState.RUNNING ? running : pending).add(j);
    }
    Map<Long, Instant> eta = EtaPlanner.plan(running, pending, slots, throughput, clock.instant());
    List<JobView> out = new ArrayList<>();
    for (Job j : unfinished) {
      if (out.size() < limit && (owner.isEmpty() || j.ownerId() == owner.getAsLong())) {
        out.add(new JobView(j, eta.get(j.id())));
      }
    }
    if (out.size() < limit) {
      for (Job j : board.list(JobQuery.history(owner, limit - out.size()))) {
        out.add(new JobView(j, null));
      }
    }
    return out;
  }

  /** Cancels the owner's pending job: its catalog entry fails as cancelled, an owned copy goes. */
  public Job cancel(long ownerId, long id) {
    Job job = board.cancel(ownerId, id);
    if (job.code() != null) {
      catalog.transition(job.code(), FileStatus.FAILED, null, "cancelled by its owner");
    }
    spool.release(job);
    log.info("Cancelled job {} ({})", job.id(), job.name());
    return job;
  }

  /**
   * Cancels the owner's pending jobs for the file {@code code} (its owner deleted the file before it
   * was uploaded), releasing their temp copies; a running one notices the deletion itself.
   */
  public void cancelPendingFor(long ownerId, String code) {
    for (Job job : board.list(JobQuery.unfinished(OptionalLong.of(ownerId), QUERY_LIMIT))) {
      if (code.equals(job.code()) && job.state() == JobState.PENDING) {
        try {
          cancel(ownerId, job.id());
        } catch (ScoutFailure e) {
          // it started running meanwhile: the runner sees the deletion and stops
          log.debug("job {} could not be cancelled: {}", job.id(), e.getMessage());
        }
      }
    }
  }

  public java.util.Optional<Job> find(long id) {
    return board.find(id);
  }

  /** Counts per state, for status. */
  public QueueCounts counts() {
    return board.counts();
  }

  /** The observed upload rate (bytes per second), seeded from recent completions. */
  public double bytesPerSecond() {
    seedThroughput();
    return throughput.bytesPerSecond();
  }

  private boolean seeded;

  /** A process that has not uploaded anything yet learns the rate from the queue's history. */
  private synchronized void seedThroughput() {
    if (seeded) {
      return;
    }
    seeded = true;
    List<Job> recent = new ArrayList<>(board.list(
        new JobQuery(OptionalLong.empty(), Set.of(JobState.COMPLETED), true, 20)));
    java.util.Collections.reverse(recent);
    for (Job j : recent) {
      if (j.destination().equals(destination) && j.startedAt() != null && j.finishedAt() != null) {
        throughput.observe(j.size(), Duration.between(j.startedAt(), j.finishedAt()));
      }
    }
  }

  private void report(Job before, Job now, JobListener observer) {
    if (now.state() == before.state() && now.attempts() == before.attempts()
        && Objects.equals(now.lastError(), before.lastError())) {
      return;
    }
    switch (now.state()) {
      case FAILED, CANCELLED -> observer.failed(now, now.lastError());
      case PENDING -> {
        if (now.lastError() != null && now.attempts() > 0) {
          observer.retrying(now, now.nextAttemptAt(), now.lastError());
        }
      }
      case RUNNING -> observer.started(now);
      case COMPLETED ->
          observer.completed(now, catalog.find(now.ownerId(), now.code()).orElse(null));
    }
  }

  private static long fileSize(Path p, long fallback) {
    try {
      return java.nio.file.Files.size(p);
    } catch (java.io.IOException e) {
      return fallback;
    }
  }
}
