package io.scoutbot.storage.pentaract;

/**
 * Observes every HTTP request the Pentaract client sends (the repeat after a 401 is a request of its
 * own), for request, error and latency metrics. Implementations are thread-safe and return at once:
 * they run on the calling thread, around the request; one that throws is ignored.
 */
@FunctionalInterface
public interface PentaractRequests {

  /**
   * A request is about to be sent.
   *
   * @param call what it does, one of a fixed set: {@code login}, {@code list_storages}, {@code
   *     get_storage}, {@code create_storage}, {@code upload}, {@code tree}, {@code download}, {@code
   *     delete}
   * @return told once when Pentaract's answer arrived (for an upload, after the body was sent), or
   *     when none will
   */
  Exchange begin(String call);

  /** One request in flight. */
  @FunctionalInterface
  interface Exchange {
    /** @param status the HTTP status of the answer; 0 when none came (connection failure, timeout) */
    void end(int status);
  }

  /** Observes nothing. */
  static PentaractRequests none() {
    return call -> status -> {};
  }
}
