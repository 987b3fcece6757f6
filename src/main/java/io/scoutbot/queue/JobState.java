package io.scoutbot.queue;

import java.util.Locale;

/**
 * Where an upload job is in its life: {@code pending → running → completed | failed | cancelled}. A
 * running job whose lease expires, or that failed transiently, goes back to pending.
 */
public enum JobState {
  /** Waiting for a worker: new, or back after a transient failure or a dead worker. */
  PENDING,
  /** Claimed by a worker holding a lease. */
  RUNNING,
  /**
   * Waits for the configuration to be fixed (the storage does not exist, has no workers, refuses
   * the credentials): keeps its file, and goes back to pending when {@code serve} starts or the
   * storage answers again.
   */
  BLOCKED,
  /** The file is stored; its catalog entry is completed. */
  COMPLETED,
  /** Given up; {@code lastError} says why. */
  FAILED,
  /** Withdrawn by its owner before it ran. */
  CANCELLED;

  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobState fromDb(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Returns whether the job can no longer change. */
  public boolean finished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
