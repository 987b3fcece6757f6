package io.scoutbot.queue;

import io.scoutbot.catalog.StoredFile;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes job events to every subscribed listener, each call guarded so one failing listener cannot
 * break a worker or starve the others. Thread-safe; subscribing and publishing may happen
 * concurrently.
 */
public final class JobEvents implements JobListener {

  private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

  private final List<JobListener> listeners = new CopyOnWriteArrayList<>();

  /** Adds {@code listener} until the returned subscription is closed. */
  public Subscription subscribe(JobListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** A subscription; closing it twice is harmless. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public void enqueued(Job job) {
    each(l -> l.enqueued(job));
  }

  @Override
  public void started(Job job) {
    each(l -> l.started(job));
  }

  @Override
  public void waiting(Job job, String reason) {
    each(l -> l.waiting(job, reason));
  }

  @Override
  public void progress(Job job, String phase, long bytes, long total) {
    // per chunk: no lambda allocation for the (usual) case of no listener
    if (!listeners.isEmpty()) {
      each(l -> l.progress(job, phase, bytes, total));
    }
  }

  @Override
  public void cancelled(Job job) {
    each(l -> l.cancelled(job));
  }

  @Override
  public void completed(Job job, StoredFile file) {
    each(l -> l.completed(job, file));
  }

  @Override
  public void failed(Job job, String reason, boolean copyKept) {
    each(l -> l.failed(job, reason, copyKept));
  }

  @Override
  public void delivered(Job job, String note) {
    each(l -> l.delivered(job, note));
  }

  @Override
  public void blocked(Job job, String reason) {
    each(l -> l.blocked(job, reason));
  }

  @Override
  public void retrying(Job job, Instant nextAttempt, String reason) {
    each(l -> l.retrying(job, nextAttempt, reason));
  }

  private void each(Consumer<JobListener> call) {
    for (JobListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("A job listener failed ({}); the job itself is unaffected", e.toString());
      }
    }
  }
}
