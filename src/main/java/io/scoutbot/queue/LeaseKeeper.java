package io.scoutbot.queue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leases of the jobs this process runs alive: {@link #beat()} renews each one and records
 * its phase, progress and what fetching learned; a job whose lease was lost (it expired, and another
 * worker took it) has its thread interrupted so it stops sending bytes nobody will record, and so
 * does a job its owner asked to cancel. Thread-safe; {@code beat} runs on the heartbeat thread,
 * {@code hold} and closing on worker threads.
 */
final class LeaseKeeper {

  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final UploadQueue queue;
  private final Map<Long, Held> held = new ConcurrentHashMap<>();

  LeaseKeeper(UploadQueue queue) {
    this.queue = queue;
  }

  /** Starts renewing {@code job}'s lease for {@code runner}, until the returned hold is closed. */
  Held hold(Job job, Thread runner) {
    Held h = new Held(job, runner);
    held.put(job.id(), h);
    return h;
  }

  int size() {
    return held.size();
  }

  /** Renews every held lease once. */
  void beat() {
    for (Held h : held.values()) {
      if (!h.closed.get()) {
        h.renew(true);
      }
    }
  }

  /**
   * Returns whether a lease that could not be renewed ended because its own attempt just settled
   * the job (between the settlement and the hold's close), not because another worker took it:
   * interrupting that thread would only disturb its bookkeeping.
   */
  private boolean settledHere(Held h) {
    try {
      // every claim bumps the version, settling does not: an unchanged version means nobody
      // claimed the job after this attempt, so this attempt itself settled it
      return queue.find(h.job.id()).map(now -> now.version() == h.job.version()).orElse(true);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** One held lease and how its attempt advances; the attempt's {@link JobTracker}. */
  final class Held implements AutoCloseable, JobTracker {
    private final Job job;
    private final Thread runner;
    private final AtomicLong progress = new AtomicLong();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean moved = new AtomicBoolean();
    private volatile String phase;
    private volatile String name;
    private volatile long size;

    private Held(Job job, Thread runner) {
      this.job = job;
      this.runner = runner;
      this.name = job.name();
      this.size = job.size();
      // a job claimed after its owner asked to cancel it stops at once
      this.cancelled.set(job.cancelRequested());
    }

    /** The phase is told only once a byte moved: from then on the attempt counts if it dies. */
    Heartbeat heartbeat() {
      return new Heartbeat(moved.get() ? phase : null, progress.get(), name, size);
    }

    @Override
    public void advance(long bytes) {
      progress.addAndGet(bytes);
      if (bytes > 0 && moved.compareAndSet(false, true)) {
        // at once, on the mover's thread, once per attempt: had this worker died before the next
        // beat, its successor would not know the attempt had tried something, and a job that
        // kills its worker within seconds of starting would crash-loop uncounted
        renew(false);
      }
    }

    /** Renews the lease now; a lost or cancelled job has its attempt interrupted. */
    private void renew(boolean beat) {
      Lease lease;
      try {
        lease = queue.renew(job, heartbeat());
      } catch (RuntimeException e) {
        // the database is unreachable: try again at the next beat; if it stays away longer than
        // the lease, another worker may take the job and this one's result is discarded
        log.warn("Cannot {} of job {} ({}); retrying at the next heartbeat",
            beat ? "renew the lease" : "record the first bytes", job.id(), e.getMessage());
        return;
      }
      if (lease == Lease.LOST && !settledHere(this)) {
        lose();
      } else if (lease == Lease.CANCEL_REQUESTED) {
        cancel();
      }
    }

    @Override
    public void phase(String phase, long total) {
      this.phase = phase;
      progress.set(0);
      if (Job.SENDING.equals(phase) && moved.compareAndSet(false, true)) {
        // a send into a chat reports no bytes: it counts as tried from its start
        renew(false);
      }
    }

    @Override
    public void described(String name, long size) {
      this.name = name;
      this.size = size;
    }

    @Override
    public boolean cancelRequested() {
      return cancelled.get();
    }

    boolean lost() {
      return lost.get();
    }

    // synchronized with close(), so a late heartbeat never interrupts the thread's next job
    private synchronized void lose() {
      if (!closed.get() && lost.compareAndSet(false, true)) {
        log.warn("Job {} lost its lease (it expired and another worker took it); stopping this"
            + " worker's attempt", job.id());
        runner.interrupt();
      }
    }

    private synchronized void cancel() {
      if (!closed.get() && cancelled.compareAndSet(false, true)) {
        log.info("Job {} ({}): its owner cancelled it; stopping", job.id(), job.name());
        runner.interrupt();
      }
    }

    @Override
    public synchronized void close() {
      if (closed.compareAndSet(false, true)) {
        held.remove(job.id(), this);
      }
    }
  }
}
