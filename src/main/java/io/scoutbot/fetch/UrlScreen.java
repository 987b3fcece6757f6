package io.scoutbot.fetch;

import java.net.URI;

/**
 * Refuses, when a URL is submitted, what its fetch would refuse for certain (another scheme, an
 * address the SSRF guard refuses), so that the user hears it at once instead of after the job
 * waited its turn at a busy host's gate. Only a first answer: the fetch checks again, on the
 * address it connects to. Implementations are thread-safe and may block for one name lookup.
 */
@FunctionalInterface
public interface UrlScreen {

  /**
   * Returns when {@code url} may be queued; a name that cannot be looked up now passes (the fetch
   * reports it, and retries).
   *
   * @throws io.scoutbot.retry.ScoutFailure (permanent) saying why and how to allow it
   */
  void screen(URI url);

  /** Queues every URL; the fetch alone decides. */
  static UrlScreen none() {
    return url -> {};
  }
}
