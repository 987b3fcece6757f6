package io.scoutbot.queue;

import io.scoutbot.fetch.JobSource;
import java.time.Instant;
import java.util.Objects;

/**
 * One upload job as read from the queue. Immutable: a snapshot; re-read it to see later changes.
 *
 * @param size bytes when known, else -1
 * @param attempts how many times a worker started it
 * @param failures transient failures so far, counted against the retry limit (outages are not)
 * @param nextAttemptAt when a pending job is due
 * @param code its catalog entry, registered in the transaction that inserted the job
 * @param leaseOwner the worker holding a running job ({@link WorkerId} text), else null
 * @param leaseUntil when a running job's lease ends unless renewed, else null
 * @param progressBytes bytes moved in the current phase of the current attempt, as of the last
 *     heartbeat
 * @param version increases with every claim; a worker's updates carry the version it claimed, so
 *     one that lost its lease cannot overwrite its successor's work
 * @param tag a front end's tag for the job, returned with its views and events; null if none
 * @param phase what a running job is doing ({@link #FETCHING} or {@link #STORING}); null otherwise
 * @param cancelRequested its owner asked to cancel it while it ran; its worker stops and settles it
 *     cancelled
 * @param route where its fetched file goes
 * @param delivered a completed job whose file was sent in the chat instead of being stored
 * @param takenOver this claim took it from a worker whose lease ran out: that worker's upload may
 *     have finished, so the storage is asked before anything else
 */
public record Job(
    long id,
    long ownerId,
    JobSource source,
    String name,
    long size,
    String destination,
    JobState state,
    int attempts,
    int failures,
    Instant nextAttemptAt,
    String lastError,
    String code,
    String leaseOwner,
    Instant leaseUntil,
    long progressBytes,
    long version,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String tag,
    String phase,
    boolean cancelRequested,
    Route route,
    boolean delivered,
    boolean takenOver) {

  /** The phase of a job reading its source into a local file. */
  public static final String FETCHING = "fetching";
  /** The phase of a job sending its file to the storage backend. */
  public static final String STORING = "storing";
  /** The phase of a job sending its file into a chat instead of storing it. */
  public static final String SENDING = "sending";

  public Job {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(route, "route");
  }

  /** The size in bytes, or 0 when unknown: what counts against a user's queued bytes. */
  public long knownSize() {
    return Math.max(size, 0);
  }
}
