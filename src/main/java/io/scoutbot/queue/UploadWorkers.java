package io.scoutbot.queue;

import io.scoutbot.db.Database;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Backoff;
import io.scoutbot.time.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker pool: claims due jobs and runs them, up to {@code maxConcurrent} at once and never more
 * than the governor's work limit allows. Thread-safe.
 *
 * <h2>Threads</h2>
 *
 * {@code scoutbot-queue-dispatch} claims jobs while there is a free slot and hands each to an
 * {@code scoutbot-upload-N} thread, after the governor's gate: under pressure it puts the job back
 * and waits at the gate itself, holding no job; when nothing is due it waits until a job is submitted in this
 * process ({@link #wake()}), a slot frees up, or the poll interval passes (for jobs other processes
 * submit). There is no pause between jobs. {@code scoutbot-queue-heartbeat} renews the leases of
 * running jobs and, now and then, repairs after crashes: leases of dead processes of this node are
 * released and orphaned temp files removed.
 *
 * <h2>Choosing the next job</h2>
 *
 * First come, first served; while the host is under pressure ({@code underPressure}), or the memory
 * budget cannot grant a full streaming buffer, smaller jobs go first, and with the budget short only
 * jobs that fit into what is free (a job older than the aging limit goes first whatever its size).
 *
 * <h2>Outages</h2>
 *
 * When a job finds the storage backend unavailable, the pool stops claiming for a backoff that grows
 * with every consecutive outage report (capped), then probes with one job; the first success ends
 * the pause and the backlog drains. Jobs keep their files and lose nothing meanwhile.
 */
public final class UploadWorkers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UploadWorkers.class);

  /**
   * How the pool runs. Immutable.
   *
   * @param worker this process's worker id; its node decides which local-file jobs it may run
   * @param maxConcurrent most jobs running at once (PENTARACT_MAX_CONCURRENT_UPLOADS)
   * @param pollInterval how often an idle pool looks for jobs of other processes
   * @param lease the lease length; heartbeats come at a third of it (at most every 5 s)
   * @param housekeeping how often to repair after crashes (dead leases)
   * @param chunkBytes one streaming buffer: a job needs at least this much of the memory budget to
   *     run at full speed
   * @param outageBackoff how long to stop claiming after the backend was found unavailable
   */
  public record Settings(
      WorkerId worker,
      int maxConcurrent,
      Duration pollInterval,
      Duration lease,
      Duration housekeeping,
      long chunkBytes,
      Backoff outageBackoff) {

    public Settings {
      Objects.requireNonNull(worker, "worker");
      Objects.requireNonNull(outageBackoff, "outageBackoff");
      if (maxConcurrent < 1) {
        throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
      }
    }

    /**
     * How long a temp copy no live job owns is left alone: a {@code --no-wait} copy exists before
     * its job row, and the submission may wait for the database (a pooled connection, SQLite's
     * write lock) before inserting it; a lease on top covers the submitting process being slow.
     */
    Duration sweepGrace() {
      return lease.plus(Database.LONGEST_WAIT);
    }

    Duration heartbeat() {
      Duration third = lease.dividedBy(3);
      Duration cap = Duration.ofSeconds(5);
      return third.compareTo(cap) > 0 ? cap : third;
    }
  }

  /**
   * The queue's parts the pool works with. Immutable.
   *
   * @param spool swept for copies no live job owns
   * @param storageHealthy whether the storage answers now (a health check: may make a request);
   *     asked at most once a minute, and only while jobs are blocked by the configuration; blocked
   *     jobs run again when it turns healthy
   */
  public record Ports(UploadQueue queue, QueueHousekeeping housekeeping, JobSpool spool,
      JobRunner runner, BooleanSupplier storageHealthy) {}

  /** How often blocked jobs are checked against the storage's health. */
  static final Duration BLOCKED_RECHECK = Duration.ofMinutes(1);

  /**
   * What the governor says about running more: the work limit caps concurrency, the memory budget
   * and host pressure order the queue. Immutable.
   *
   * @param underPressure whether the host is under pressure now (read from the monitor's latest
   *     sample, never sampled here)
   */
  public record Governor(Gate gate, WorkLimit workLimit, MemoryBudget budget,
      BooleanSupplier underPressure) {}

  private final Settings settings;
  private final UploadQueue queue;
  private final QueueHousekeeping housekeeping;
  private final JobSpool spool;
  private final JobRunner runner;
  private final BooleanSupplier storageHealthy;
  private final Gate gate;
  private final WorkLimit workLimit;
  private final MemoryBudget budget;
  private final BooleanSupplier underPressure;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final ClaimRequest base;
  private final LeaseKeeper leases;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean woken;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong unexpectedErrors = new AtomicLong();
  private volatile Instant pausedUntil = Instant.MIN;
  private int outageStreak;
  private Instant nextHousekeeping = Instant.MIN;
  private Instant nextSweep = Instant.MIN;
  private Instant nextBlockedCheck = Instant.MIN;
  // the storage's health at the last recheck (asked only while jobs are blocked); null: never asked
  private Boolean lastHealthy;
  /** The dispatcher just waited at the gate: the next job it claims runs whatever the pressure. */
  private boolean gatePassed;

  private volatile boolean stopped;
  private Thread dispatcher;
  private Thread heartbeat;
  private ExecutorService uploads;

  /**
   * @param onlyIds run only these jobs (a CLI running its own submissions), or any when empty
   * @param sleeper paces the heartbeat thread
   */
  public UploadWorkers(Settings settings, Ports ports, Governor governor, InstantSource clock,
      Sleeper sleeper, Set<Long> onlyIds) {
    this.settings = settings;
    this.queue = ports.queue();
    this.housekeeping = ports.housekeeping();
    this.spool = ports.spool();
    this.runner = ports.runner();
    this.storageHealthy = ports.storageHealthy();
    this.gate = governor.gate();
    this.workLimit = governor.workLimit();
    this.budget = governor.budget();
    this.underPressure = governor.underPressure();
    this.clock = clock;
    this.sleeper = sleeper;
    this.base = ClaimRequest.any(settings.worker(), runner.destination()).withOnlyIds(onlyIds);
    this.leases = new LeaseKeeper(queue);
  }

  /** Repairs after crashes once, then starts the dispatcher and heartbeat threads. */
  public synchronized void start() {
    if (dispatcher != null) {
      return;
    }
    housekeep(true);
    AtomicInteger n = new AtomicInteger();
    uploads =
        Executors.newFixedThreadPool(
            settings.maxConcurrent(),
            r -> Thread.ofPlatform().name("scoutbot-upload-" + n.incrementAndGet()).unstarted(r));
    dispatcher =
        Thread.ofPlatform()
            .name("scoutbot-queue-dispatch")
            .start(new RunUntilStopped("upload queue dispatcher", this::dispatchStep,
                () -> stopped, Duration.ofSeconds(1), unexpectedErrors));
    heartbeat =
        Thread.ofPlatform()
            .name("scoutbot-queue-heartbeat")
            .daemon()
            .start(new RunUntilStopped("upload queue heartbeat", this::heartbeatStep,
                () -> stopped, Duration.ofSeconds(1), unexpectedErrors));
    // a CLI running its own jobs keeps quiet; serve reports at INFO
    log.atLevel(base.onlyIds().isEmpty() ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
        .log("Upload workers started: {} at once (governor allows {} now), lease {}s, worker {}",
            settings.maxConcurrent(), workLimit.limit(), settings.lease().toSeconds(),
            settings.worker());
  }

  /** A job was submitted in this process: look for it now instead of at the next poll. */
  public void wake() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Jobs running in this pool now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Until when the pool claims nothing because the backend was found unavailable. */
  public Instant pausedUntil() {
    return pausedUntil;
  }

  /** Unexpected errors the background loops survived. */
  public long unexpectedErrors() {
    return unexpectedErrors.get();
  }

  /**
   * Stops claiming, gives running uploads a moment to finish, then interrupts them: an interrupted
   * job goes back to the queue at once (or, if the process dies first, when its lease expires).
   */
  @Override
  public void close() {
    Thread d;
    synchronized (this) {
      if (stopped || dispatcher == null) {
        stopped = true;
        return;
      }
      stopped = true;
      d = dispatcher;
    }
    d.interrupt();
    try {
      d.join(2000);
      uploads.shutdown();
      if (!uploads.awaitTermination(3, TimeUnit.SECONDS)) {
        log.info("Interrupting {} running upload(s); they go back to the queue", inFlight.get());
        uploads.shutdownNow();
        uploads.awaitTermination(3, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      uploads.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      heartbeat.interrupt();
    }
    log.atLevel(base.onlyIds().isEmpty() ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
        .log("Upload workers stopped");
  }

  // ---------------------------------------------------------------- driving by hand (tests)

  /**
   * Claims and runs due jobs one after another on the calling thread until none is due or the pool
   * pauses for an outage; the threads need not be started. Lets tests drive the pool with a manual
   * clock instead of waiting.
   *
   * @return the number of jobs run
   */
  int runDue() throws InterruptedException {
    int ran = 0;
    while (!paused()) {
      var job = queue.claim(request());
      if (job.isEmpty()) {
        gatePassed = false;
        return ran;
      }
      if (heldBackAtTheGate(job.get())) {
        continue;
      }
      runClaimed(job.get());
      ran++;
    }
    return ran;
  }

  /** One heartbeat: renews every held lease. */
  void beat() {
    leases.beat();
  }

  // ---------------------------------------------------------------- loops

  private void dispatchStep() throws InterruptedException {
    housekeep(false);
    Duration wait = settings.pollInterval();
    if (paused()) {
      Duration left = Duration.between(clock.instant(), pausedUntil);
      wait = left.compareTo(wait) < 0 ? left : wait;
    } else if (inFlight.get() < capacity()) {
      var job = queue.claim(request());
      if (job.isEmpty()) {
        gatePassed = false; // the wait was for that job; a later one waits at the gate again
      } else {
        if (heldBackAtTheGate(job.get())) {
          return;
        }
        inFlight.incrementAndGet();
        try {
          uploads.execute(() -> runOnWorker(job.get()));
        } catch (RuntimeException e) {
          inFlight.decrementAndGet();
          throw e;
        }
        return;
      }
    }
    awaitChange(wait);
  }

  /**
   * The governor's gate, passed before a job runs, holding no job: when the host is under pressure
   * the claimed job goes straight back (its attempt undone) and this thread waits at the gate, so
   * a process stopped or killed while waiting costs no job an attempt. After the wait the next job
   * claimed runs whatever the pressure (the gate's maximum wait has passed, or pressure ended).
   *
   * @return whether {@code job} was put back
   */
  private boolean heldBackAtTheGate(Job job) throws InterruptedException {
    if (gatePassed || !gate.wouldWait()) {
      gatePassed = false;
      return false;
    }
    runner.putBack(job);
    gate.awaitCapacity(JobRunner.OPERATION, reason -> runner.announceWaiting(job, reason));
    gatePassed = true;
    return true;
  }

  private void heartbeatStep() throws InterruptedException {
    sleeper.sleep(settings.heartbeat());
    leases.beat();
  }

  private void runOnWorker(Job job) {
    try {
      runClaimed(job);
    } catch (RuntimeException e) {
      unexpectedErrors.incrementAndGet();
      // database outages are waited out inside the runner, so this is a bug; leaving the job to
      // its lease would strand it (no worker takes over a lease of a process that is alive)
      log.warn("Job {}: unexpected error while running it ({}); it goes back to the queue, counted"
          + " as a failed attempt", job.id(), e.toString(), e);
      runner.abandon(job, e);
    } finally {
      inFlight.decrementAndGet();
      if (!stopped) {
        // a late lease-loss interrupt must not leak into this thread's next job
        Thread.interrupted();
      }
      wake();
    }
  }

  private void runClaimed(Job job) {
    JobRunner.Result result;
    try (LeaseKeeper.Held held = leases.hold(job, Thread.currentThread())) {
      result = runner.run(job, held);
    }
    synchronized (this) {
      if (result == JobRunner.Result.UNAVAILABLE && !paused()) {
        // the other jobs in flight when the outage began report it too; one pause per probe
        Duration pause =
            settings.outageBackoff().delay(outageStreak++, ThreadLocalRandom.current()::nextDouble);
        pausedUntil = clock.instant().plus(pause);
        log.info("Storage {} is unavailable; claiming no uploads for {}s, then probing with one",
            runner.destination(), pause.toSeconds());
      } else if (result == JobRunner.Result.COMPLETED && outageStreak > 0) {
        outageStreak = 0;
        log.info("Storage {} is back; the queued uploads drain now", runner.destination());
      }
    }
  }

  /** What to claim now: pressure and the memory budget decide the order and the size bound. */
  ClaimRequest request() {
    long free = budget.capacity() - budget.inUse();
    boolean tight = free < settings.chunkBytes();
    return base.withSmallFirst(tight || underPressure.getAsBoolean())
        .withMaxSize(tight ? Math.max(free, 0) : Long.MAX_VALUE);
  }

  private int capacity() {
    synchronized (this) {
      if (outageStreak > 0) {
        return 1; // after an outage, probe with one job until one succeeds
      }
    }
    return Math.max(1, Math.min(settings.maxConcurrent(), workLimit.limit()));
  }

  private boolean paused() {
    return clock.instant().isBefore(pausedUntil);
  }

  private void awaitChange(Duration timeout) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long nanos = Math.max(timeout.toNanos(), 1);
      while (!woken && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      woken = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Jobs blocked by the configuration go back to the queue when it may have been fixed: at
   * {@code serve}'s start (settings are read then), and when the storage's health check turns from
   * down to healthy (a storage worker was added, the password changed back). Only on that turn: a
   * job blocked by something the check does not see (a file over Pentaract's size limit) would
   * otherwise be sent again every minute while the storage stays healthy; it waits for a restart or
   * {@code queue --retry}.
   */
  private void unblock(boolean atStart, Instant now) {
    if (atStart) {
      housekeeping.unblock();
      nextBlockedCheck = now.plus(BLOCKED_RECHECK);
      return;
    }
    if (now.isBefore(nextBlockedCheck)) {
      return;
    }
    nextBlockedCheck = now.plus(BLOCKED_RECHECK);
    if (housekeeping.blocked() == 0) {
      return;
    }
    boolean healthy = storageHealthy.getAsBoolean();
    if (healthy && lastHealthy == Boolean.FALSE) {
      log.info("Storage {} is healthy again: jobs blocked by its configuration run again",
          runner.destination());
      housekeeping.unblock();
    }
    lastHealthy = healthy;
  }

  private void housekeep(boolean atStart) {
    Instant now = clock.instant();
    if (!atStart && now.isBefore(nextHousekeeping)) {
      return;
    }
    nextHousekeeping = now.plus(settings.housekeeping());
    String node = settings.worker().node();
    housekeeping.releaseDeadLeases(node);
    if (base.onlyIds().isEmpty()) {
      unblock(atStart, now);
    }
    if (base.onlyIds().isEmpty() && !now.isBefore(nextSweep)) {
      // a CLI running its own jobs leaves the sweep and the history purge to serve
      nextSweep = now.plus(Duration.ofMinutes(10));
      spool.sweep(housekeeping.liveOwnedFiles(), settings.sweepGrace());
      housekeeping.purgeFinished();
    }
  }
}
