package io.scoutbot.files;

import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobBoard;
import io.scoutbot.queue.JobListener;
import io.scoutbot.queue.JobQuery;
import io.scoutbot.queue.JobState;
import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happens to jobs into {@link JobEvent}s for the front ends that subscribed, wherever the
 * job runs. Thread-safe.
 *
 * <h2>Two sources, one stream</h2>
 *
 * Jobs run by this process report through the {@link JobListener} callbacks at once (progress on
 * every chunk). Jobs run by another process sharing the database (a {@code serve} beside a CLI, or
 * several instances on PostgreSQL) are seen by a watcher that reads the unfinished jobs of the
 * subscribed owners every poll interval, while anyone is subscribed. Both update one record of what
 * was last said about each job, so the watcher reports only what the callbacks did not, and no
 * event is told twice.
 *
 * <h2>Delivery</h2>
 *
 * Callbacks arrive on worker threads, which must never wait for a front end (a bot editing a
 * Telegram message is network I/O). Each subscription therefore has its own queue and a virtual
 * thread that delivers its events in order; progress is thinned per subscription and job to the
 * interval the subscriber asked for (the last event of a phase always goes through). A listener
 * that throws is logged and keeps its subscription.
 */
final class JobFeed implements JobListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JobFeed.class);

  /** How long a job's end told by the callbacks keeps the watcher from telling it again. */
  private static final Duration FORGET_ENDED = Duration.ofMinutes(10);

  /** What was last said about a job, so the watcher and the callbacks never repeat each other. */
  private record Seen(long ownerId, JobState state, int attempts, String lastError, String phase,
      long bytes, long atNanos) {}

  /**
   * How far a job moving bytes is in {@code phase}, and how fast: fresher than the job's row, whose
   * progress is written with the lease's heartbeats.
   */
  record Motion(String phase, long bytes, double bytesPerSecond) {}

  /** A phase of a job running here: what the progress events' rate and ETA come from. */
  private record Moving(String phase, long startNanos) {}

  private final JobBoard board;
  private final FileCatalog catalog;
  private final Estimates estimates;
  private final InstantSource clock;
  private final LongSupplier nanos;
  private final Sleeper sleeper;
  private final Duration pollInterval;
  private final List<Sub> subs = new CopyOnWriteArrayList<>();
  private final Map<Long, Seen> seen = new ConcurrentHashMap<>();
  private final Map<Long, Moving> moving = new ConcurrentHashMap<>();
  /** Where each job moving bytes is now, for the status report's transfers. */
  private final Map<Long, Motion> rates = new ConcurrentHashMap<>();
  /** Jobs whose end the callbacks told, with when: the watcher must not tell it again. */
  private final Map<Long, Long> endedHere = new ConcurrentHashMap<>();
  private Thread watcher;
  private volatile boolean closed;

  JobFeed(JobBoard board, FileCatalog catalog, Estimates estimates, InstantSource clock,
      LongSupplier nanos, Sleeper sleeper, Duration pollInterval) {
    this.board = board;
    this.catalog = catalog;
    this.estimates = estimates;
    this.clock = clock;
    this.nanos = nanos;
    this.sleeper = sleeper;
    this.pollInterval = pollInterval;
  }

  /**
   * Delivers the events of {@code owner}'s jobs (every owner's when empty) to {@code listener}, on
   * a thread of its own, until the returned subscription is closed.
   *
   * @param progressEvery the least time between two progress events of one job
   */
  Subscription subscribe(OptionalLong owner, Duration progressEvery, Consumer<JobEvent> listener) {
    Sub s = new Sub(owner, progressEvery.toNanos(), listener);
    subs.add(s);
    synchronized (this) {
      if (watcher == null && !closed) {
        watcher = Thread.ofVirtual().name("scoutbot-job-watch").start(this::watch);
      }
    }
    return s;
  }

  // ---------------------------------------------------------------- callbacks of this process

  @Override
  public void enqueued(Job job) {
    if (subs.isEmpty()) {
      return;
    }
    remember(job, null, 0);
    Estimates.Plan plan = estimates.plan();
    Instant eta = plan.eta().get(job.id());
    publish(new JobEvent.Queued(Views.job(job, eta), plan.position().getOrDefault(job.id(), 1),
        eta));
  }

  @Override
  public void started(Job job) {
    remember(job, null, 0);
    publish(new JobEvent.Started(Views.job(job, null)));
  }

  @Override
  public void waiting(Job job, String reason) {
    publish(new JobEvent.Waiting(Views.job(job, null), reason));
  }

  @Override
  public void progress(Job job, String phase, long bytes, long total) {
    // the rate is kept even with nobody subscribed: the status report's transfers read it
    long now = nanos.getAsLong();
    Moving m = moving.get(job.id());
    if (m == null || !m.phase().equals(phase)) {
      m = new Moving(phase, now);
      moving.put(job.id(), m);
    }
    double seconds = (now - m.startNanos()) / 1e9;
    double rate = seconds > 0.5 ? bytes / seconds : 0;
    rates.put(job.id(), new Motion(phase, bytes, rate));
    if (subs.isEmpty()) {
      return;
    }
    Instant eta = total >= 0 && rate > 0
        ? clock.instant().plusMillis((long) ((total - bytes) / rate * 1000)) : null;
    seen.computeIfPresent(job.id(), (id, s) -> new Seen(s.ownerId(), s.state(), s.attempts(),
        s.lastError(), phase, bytes, now));
    JobView view = Views.job(job, eta);
    publishProgress(new JobEvent.Progress(view, phase, bytes, total, rate, eta), now,
        total >= 0 && bytes >= total);
  }

  @Override
  public void retrying(Job job, Instant nextAttempt, String reason) {
    moving.remove(job.id());
    rates.remove(job.id());
    JobView view = Views.job(job, null).with(JobView.State.PENDING, reason);
    remember(job, JobState.PENDING, 0, reason);
    publish(new JobEvent.Retrying(view, nextAttempt, reason));
  }

  @Override
  public void completed(Job job, StoredFile file) {
    ended(job.id());
    publish(new JobEvent.Completed(Views.job(job, null).with(JobView.State.COMPLETED, null),
        file == null ? null : Views.file(file)));
  }

  @Override
  public void failed(Job job, String reason, boolean copyKept) {
    ended(job.id());
    publish(new JobEvent.Failed(Views.job(job, null).with(JobView.State.FAILED, reason), reason,
        copyKept));
  }

  @Override
  public void delivered(Job job, String note) {
    ended(job.id());
    JobView v = Views.job(job, null).with(JobView.State.COMPLETED, null);
    publish(new JobEvent.Delivered(new JobView(v.id(), v.ownerId(), v.code(), v.name(), v.size(),
        v.state(), v.source(), v.sourceRef(), v.attempts(), v.failures(), v.nextAttemptAt(),
        v.lastError(), v.phase(), v.progressBytes(), v.eta(), v.runningOn(), false, true, v.tag(),
        v.createdAt(), v.startedAt(), v.finishedAt()), note));
  }

  @Override
  public void blocked(Job job, String reason) {
    moving.remove(job.id());
    rates.remove(job.id());
    remember(job, JobState.BLOCKED, 0, reason);
    publish(new JobEvent.Blocked(Views.job(job, null).with(JobView.State.BLOCKED, reason), reason));
  }

  @Override
  public void cancelled(Job job) {
    ended(job.id());
    publish(new JobEvent.Cancelled(Views.job(job, null).with(JobView.State.CANCELLED,
        "cancelled by its owner")));
  }

  private void remember(Job job, JobState state, long bytes) {
    remember(job, state, bytes, job.lastError());
  }

  private void remember(Job job, JobState state, long bytes, String error) {
    JobState s = state == null ? job.state() : state;
    seen.put(job.id(), new Seen(job.ownerId(), s, job.attempts(), error, null, bytes,
        nanos.getAsLong()));
  }

  /** Where job {@code jobId} is now, when it is moving bytes. */
  Optional<Motion> motion(long jobId) {
    return Optional.ofNullable(rates.get(jobId));
  }

  private void ended(long id) {
    moving.remove(id);
    rates.remove(id);
    seen.remove(id);
    long now = nanos.getAsLong();
    // pruned here, not by the watcher: a process nobody subscribes to still ends jobs
    long forget = now - FORGET_ENDED.toNanos();
    endedHere.values().removeIf(at -> at - forget < 0);
    endedHere.put(id, now);
  }

  // ---------------------------------------------------------------- the watcher

  /** Reads the subscribed owners' jobs every poll interval while anyone is subscribed. */
  private void watch() {
    Map<Long, Job> last = new HashMap<>();
    while (!closed) {
      try {
        sleeper.sleep(pollInterval);
        if (subs.isEmpty()) {
          last.clear();
          continue;
        }
        last = look(last);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the database is away, say: the next look tries again
        log.debug("job watcher: {}", e.toString());
      }
    }
  }

  /** One look at the database; returns the unfinished jobs seen, for the next look. */
  private Map<Long, Job> look(Map<Long, Job> before) {
    OptionalLong owner = commonOwner();
    List<Job> now = board.list(JobQuery.unfinished(owner, Estimates.UNFINISHED_LIMIT));
    Map<Long, Job> current = new HashMap<>();
    for (Job j : now) {
      if (wanted(j.ownerId())) {
        current.put(j.id(), j);
        compare(j);
      }
    }
    // gone: seen unfinished by the last look, or known from this process's callbacks (a job queued
    // here that another process claimed and finished before any look saw it)
    Set<Long> gone = new HashSet<>(before.keySet());
    seen.forEach((id, s) -> {
      if (wanted(s.ownerId())) {
        gone.add(id);
      }
    });
    gone.removeAll(current.keySet());
    for (long id : gone) {
      // a job beyond the listing's limit is still unfinished: only a finished row is an end
      Optional<Job> row = board.find(id);
      if (row.isEmpty()) {
        seen.remove(id); // purged meanwhile: nothing left to tell
      }
      row.filter(j -> j.state().finished()).ifPresent(this::finishedElsewhere);
    }
    return current;
  }

  /** Reports what changed in an unfinished job since it was last seen. */
  private void compare(Job j) {
    if (endedHere.containsKey(j.id())) {
      return; // ended here a moment ago; the row will follow
    }
    Seen s = seen.get(j.id());
    long now = nanos.getAsLong();
    if (s == null || s.state() != j.state() || s.attempts() != j.attempts()
        || !Objects.equals(s.lastError(), j.lastError())) {
      seen.put(j.id(), new Seen(j.ownerId(), j.state(), j.attempts(), j.lastError(), j.phase(),
          j.progressBytes(), now));
      if (j.state() == JobState.BLOCKED) {
        publish(new JobEvent.Blocked(Views.job(j, null), j.lastError()));
      } else if (j.state() == JobState.PENDING) {
        if (j.lastError() != null && j.attempts() > 0) {
          publish(new JobEvent.Retrying(Views.job(j, null), j.nextAttemptAt(), j.lastError()));
        } else {
          Estimates.Plan plan = estimates.plan();
          Instant eta = plan.eta().get(j.id());
          publish(new JobEvent.Queued(Views.job(j, eta), plan.position().getOrDefault(j.id(), 1),
              eta));
        }
      } else {
        publish(new JobEvent.Started(Views.job(j, null)));
      }
      return;
    }
    if (j.state() == JobState.RUNNING && j.phase() != null && !moving.containsKey(j.id())
        && (j.progressBytes() != s.bytes() || !j.phase().equals(s.phase()))) {
      // run by another process: its heartbeats carry the progress
      boolean samePhase = j.phase().equals(s.phase());
      double seconds = (now - s.atNanos()) / 1e9;
      double rate = samePhase && seconds > 0 ? (j.progressBytes() - s.bytes()) / seconds : 0;
      rates.put(j.id(), new Motion(j.phase(), j.progressBytes(), Math.max(rate, 0)));
      long total = j.size();
      Instant eta = total >= 0 && rate > 0
          ? clock.instant().plusMillis((long) ((total - j.progressBytes()) / rate * 1000)) : null;
      seen.put(j.id(), new Seen(s.ownerId(), s.state(), s.attempts(), s.lastError(), j.phase(),
          j.progressBytes(), now));
      publishProgress(new JobEvent.Progress(Views.job(j, eta), j.phase(), j.progressBytes(), total,
          Math.max(rate, 0), eta), now, false);
    }
  }

  /** A job that left the unfinished list: tell its end unless this process already did. */
  private void finishedElsewhere(Job j) {
    seen.remove(j.id());
    moving.remove(j.id());
    rates.remove(j.id());
    if (endedHere.remove(j.id()) != null) {
      return; // told by the callbacks
    }
    JobView view = Views.job(j, null);
    switch (j.state()) {
      case COMPLETED -> publish(j.delivered() ? new JobEvent.Delivered(view, null)
          : new JobEvent.Completed(view,
              catalog.find(j.ownerId(), j.code()).map(Views::file).orElse(null)));
      case FAILED -> publish(new JobEvent.Failed(view, j.lastError(), copyKept(j)));
      case CANCELLED -> publish(new JobEvent.Cancelled(view));
      default -> {}
    }
  }

  /** Whether a failed job's temp copy is still there for a retry. */
  private static boolean copyKept(Job j) {
    return j.source() instanceof io.scoutbot.fetch.JobSource.LocalFile f && f.owned()
        && java.nio.file.Files.exists(f.path());
  }

  /** The one owner every subscription wants, or empty when they want different or all owners. */
  private OptionalLong commonOwner() {
    OptionalLong owner = null;
    for (Sub s : subs) {
      if (s.owner.isEmpty()) {
        return OptionalLong.empty();
      }
      if (owner == null) {
        owner = s.owner;
      } else if (owner.getAsLong() != s.owner.getAsLong()) {
        return OptionalLong.empty();
      }
    }
    return owner == null ? OptionalLong.empty() : owner;
  }

  private boolean wanted(long ownerId) {
    for (Sub s : subs) {
      if (s.owner.isEmpty() || s.owner.getAsLong() == ownerId) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- delivery

  private void publish(JobEvent e) {
    for (Sub s : subs) {
      if (s.wants(e)) {
        s.offer(e);
      }
    }
  }

  private void publishProgress(JobEvent.Progress e, long now, boolean lastOfPhase) {
    for (Sub s : subs) {
      if (s.wants(e) && s.progressDue(e.jobId(), now, lastOfPhase)) {
        s.offer(e);
      }
    }
  }

  /** Stops the watcher and every subscription's delivery thread. */
  @Override
  public void close() {
    closed = true;
    Thread w;
    synchronized (this) {
      w = watcher;
    }
    if (w != null) {
      w.interrupt();
    }
    for (Sub s : subs) {
      s.close();
    }
  }

  /** One subscriber: its filter, its progress pacing, its queue and delivery thread. */
  private final class Sub implements Subscription {
    private final OptionalLong owner;
    private final long progressEveryNanos;
    private final Consumer<JobEvent> listener;
    private final BlockingQueue<Optional<JobEvent>> queue = new LinkedBlockingQueue<>();
    private final Map<Long, Long> lastProgress = new ConcurrentHashMap<>();
    private final Thread delivery;
    private volatile boolean open = true;

    Sub(OptionalLong owner, long progressEveryNanos, Consumer<JobEvent> listener) {
      this.owner = owner;
      this.progressEveryNanos = progressEveryNanos;
      this.listener = listener;
      this.delivery = Thread.ofVirtual().name("scoutbot-job-events").start(this::deliver);
    }

    boolean wants(JobEvent e) {
      return open && (owner.isEmpty() || owner.getAsLong() == e.job().ownerId());
    }

    boolean progressDue(long jobId, long now, boolean lastOfPhase) {
      Long last = lastProgress.get(jobId);
      if (lastOfPhase || last == null || now - last >= progressEveryNanos) {
        lastProgress.put(jobId, now);
        return true;
      }
      return false;
    }

    void offer(JobEvent e) {
      if (e.last()) {
        lastProgress.remove(e.jobId());
      }
      queue.add(Optional.of(e));
    }

    private void deliver() {
      List<Optional<JobEvent>> batch = new ArrayList<>();
      try {
        while (true) {
          batch.add(queue.take());
          queue.drainTo(batch);
          for (Optional<JobEvent> e : batch) {
            if (e.isEmpty()) {
              return; // closed
            }
            try {
              listener.accept(e.get());
            } catch (RuntimeException ex) {
              log.warn("A job event listener failed ({}); it stays subscribed", ex.toString());
            }
          }
          batch.clear();
        }
      } catch (InterruptedException stop) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      if (open) {
        open = false;
        subs.remove(this);
        queue.add(Optional.empty());
      }
    }
  }
}
