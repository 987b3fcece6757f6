package io.scoutbot.queue;

/**
 * What a worker reports with each lease renewal: the phase its job is in, the bytes moved in that
 * phase, and what fetching learned about the file (its name and size). Immutable.
 *
 * @param phase {@link Job#FETCHING}, {@link Job#STORING} or {@link Job#SENDING}; null before a
 *     byte moved (the recorded phase is then kept)
 * @param name the file's name; null keeps the recorded one
 * @param size the file's size once known, else -1 (the recorded size is kept)
 */
public record Heartbeat(String phase, long progressBytes, String name, long size) {

  public Heartbeat {
    if (progressBytes < 0) {
      throw new IllegalArgumentException("progressBytes cannot be negative: " + progressBytes);
    }
  }

  /** The heartbeat of a job that has not moved a byte yet. */
  public static Heartbeat start(Job job) {
    return new Heartbeat(null, 0, job.name(), job.size());
  }

  /** Renews the lease and changes nothing else the job's attempt recorded (name, size, phase). */
  public static Heartbeat leaseOnly() {
    return new Heartbeat(null, 0, null, -1);
  }
}
