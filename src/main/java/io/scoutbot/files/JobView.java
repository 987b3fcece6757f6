package io.scoutbot.files;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A job as its owner (or the operator) sees it: what is being stored, where it is in its life, how
 * far it got and when it should be done. Immutable: a snapshot.
 *
 * @param id the job's id; events and front ends key on it (it survives restarts)
 * @param code the code the stored file will have (known from the moment the job is queued)
 * @param name the owner's name for the file
 * @param size bytes; -1 while unknown (a URL before its answer)
 * @param source where the bytes come from: {@code local_file}, {@code url} or {@code telegram}
 * @param sourceRef the path, URL or Telegram file id, for display
 * @param attempts how many times a worker started it
 * @param failures failed attempts counted against the retry limit
 * @param nextAttemptAt when a pending job is due; null otherwise
 * @param lastError the latest failure or the reason it waits, for its owner; null if none
 * @param phase what a running job is doing: {@code fetching} or {@code storing}; null otherwise
 * @param progressBytes bytes moved in the current phase, as last reported
 * @param eta when it should be done; null when finished or unknown
 * @param runningOn where a running job runs ({@code host pid N}); null otherwise
 * @param workerGone a running job whose worker is gone (its process stopped or its lease ran
 *     out): it goes back to the queue, and another worker takes it over
 * @param delivered a completed job whose file was sent in its chat instead of being stored
 * @param tag the tag its front end gave it (e.g. which chat message shows its progress)
 */
public record JobView(
    long id,
    long ownerId,
    String code,
    String name,
    long size,
    State state,
    String source,
    String sourceRef,
    int attempts,
    int failures,
    Instant nextAttemptAt,
    String lastError,
    String phase,
    long progressBytes,
    Instant eta,
    String runningOn,
    boolean workerGone,
    boolean delivered,
    String tag,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {

  /**
   * Where a job is in its life: {@code pending → running → completed | failed | cancelled}; a job
   * the configuration stops is {@code blocked} until it is fixed.
   */
  public enum State {
    PENDING,
    RUNNING,
    BLOCKED,
    COMPLETED,
    FAILED,
    CANCELLED;

    /** The lower-case name shown in output ({@code running}). */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the job can no longer change. */
    public boolean finished() {
      return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
  }

  public JobView {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * How far a running job's current phase is, 0–100 with one decimal; 100 when completed; null when
   * it cannot be known (not running, or the size is unknown).
   */
  public Double percent() {
    if (state == State.COMPLETED) {
      return 100.0;
    }
    if (state != State.RUNNING || size < 0) {
      return null;
    }
    if (size == 0) {
      return 100.0;
    }
    return Math.min(100.0, Math.round(progressBytes * 1000.0 / size) / 10.0);
  }

  /** Seconds from {@code now} until {@link #eta}, never negative; null without an estimate. */
  public Long etaSeconds(Instant now) {
    return eta == null ? null : Math.max(0, Duration.between(now, eta).toSeconds());
  }

  /** This view with another state and error, for events that describe a change. */
  JobView with(State newState, String error) {
    return new JobView(id, ownerId, code, name, size, newState, source, sourceRef, attempts,
        failures, nextAttemptAt, error, phase, progressBytes, eta, runningOn, false, delivered,
        tag, createdAt, startedAt, finishedAt);
  }
}
