package io.scoutbot.resource;

/**
 * Admission of heavy work under host pressure. Every heavy step (download, upload, Telegram send,
 * cleanup) calls {@link #awaitCapacity} first. Implementations are thread-safe and never busy-wait.
 */
@FunctionalInterface
public interface Gate {

  /**
   * Returns at once when the host is not under pressure; otherwise waits until pressure ends or the
   * configured maximum wait has passed, then returns so that no work is blocked for ever.
   *
   * @param operation what is waiting, for log lines (e.g. {@code "upload queue processing"})
   * @throws InterruptedException if the waiting thread is interrupted; the flag is cleared
   */
  void awaitCapacity(String operation) throws InterruptedException;

  /**
   * Like {@link #awaitCapacity(String)}, and tells {@code onWait} why, once, if the caller has to
   * wait (so a front end can show "waiting for resources: …"). Gates that never wait never call it.
   */
  default void awaitCapacity(String operation, java.util.function.Consumer<String> onWait)
      throws InterruptedException {
    awaitCapacity(operation);
  }

  /**
   * Whether a call to {@link #awaitCapacity} now would wait: the host is under pressure. Lets a
   * caller avoid holding anything (a claimed job) while it waits. Never waits itself for long (at
   * most for the governor's first sample).
   */
  default boolean wouldWait() {
    return false;
  }

  /** A gate that never waits: monitoring disabled, or tests that do not exercise throttling. */
  static Gate open() {
    return operation -> {};
  }
}
