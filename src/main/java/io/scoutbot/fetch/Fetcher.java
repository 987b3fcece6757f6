package io.scoutbot.fetch;

/**
 * Turns a job's source into a local file the queue can store. One implementation per kind of
 * source (local file, URL, Telegram file); {@link Fetchers} picks by kind. Implementations are
 * thread-safe and block the calling thread (a queue worker) until the file is complete.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Bytes go to a file inside {@link FetchRequest#workDir()} (the job's own directory, which
 *       survives a retry, so a fetcher may resume from what it finds there); a local file is used
 *       in place.
 *   <li>At most {@link FetchRequest#maxBytes()} bytes are ever written: a source announcing more is
 *       refused before reading, and one that sends more is cut at the cap.
 *   <li>Progress goes to {@link FetchRequest#progress()} as bytes arrive.
 *   <li>Cancelling is interrupting the calling thread: the fetch stops promptly (child processes
 *       included) and throws {@link InterruptedException}.
 *   <li>Failures are {@link io.scoutbot.retry.ScoutFailure}s whose disposition was decided where
 *       the cause was known (a refused URL is permanent, a dropped connection a retry) and whose
 *       message can be shown to the user as it is.
 * </ul>
 */
@FunctionalInterface
public interface Fetcher {

  /** Fetches {@code request.source()}; returns the complete file and what was learned about it. */
  Fetched fetch(FetchRequest request) throws InterruptedException;
}
