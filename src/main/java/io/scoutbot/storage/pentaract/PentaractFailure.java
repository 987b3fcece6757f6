package io.scoutbot.storage.pentaract;

import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.StorageException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A failed Pentaract call, classified where the cause was known: the message for the user, the
 * disposition, the HTTP status if there was an answer, and whether it counts as an outage (Pentaract
 * unreachable or a gateway in front of it failing) for the circuit breaker. Immutable.
 *
 * <p>Built only through the named factories below, one per kind of failure, so that a call site
 * says what happened rather than spelling out a disposition, a status and an outage flag.
 */
final class PentaractFailure extends StorageException {

  private final OptionalInt status;
  private final boolean outage;
  private final String reason;

  /**
   * @param reason the cause in a few words ("Connection refused", "HTTP 503"), for messages that
   *     quote it, such as the circuit breaker's
   */
  private PentaractFailure(String message, Disposition disposition, OptionalInt status,
      boolean outage, String reason, Throwable cause) {
    super(message, disposition, cause);
    this.status = status;
    this.outage = outage;
    this.reason = reason;
  }

  // ---- no answer from Pentaract was involved

  /** Retrying cannot help: bad settings, a damaged or missing copy, a local file that changed. */
  static PentaractFailure permanent(String message) {
    return permanent(message, (Throwable) null);
  }

  static PentaractFailure permanent(String message, Throwable cause) {
    return new PentaractFailure(message, Disposition.PERMANENT, OptionalInt.empty(), false, message,
        cause);
  }

  /** Transient, and not Pentaract's fault (e.g. a local read that may work next time). */
  static PentaractFailure retry(String message, Throwable cause) {
    return new PentaractFailure(message, Disposition.RETRY, OptionalInt.empty(), false, message,
        cause);
  }

  /** The thread was interrupted: the caller is shutting down or cancelled the transfer. */
  static PentaractFailure cancelled(String what, Throwable cause) {
    return retry(what + " was cancelled", cause);
  }

  /**
   * The local side of a transfer failed: {@code verb} is "read" (the source) or "write" (the
   * target). A file that is gone or not ours to touch is permanent; anything else (a full disk, an
   * I/O error) may pass.
   */
  static PentaractFailure local(IOException e, Path file, String verb) {
    if (e instanceof LocalFileException l) {
      return l.failure();
    }
    boolean gone = e instanceof NoSuchFileException || e instanceof AccessDeniedException;
    String message = "cannot " + verb + " " + file + ": " + e.getMessage()
        + (verb.equals("write") ? " (check free disk space and permissions)" : "");
    return gone ? permanent(message, e) : retry(message, e);
  }

  // ---- Pentaract answered

  /** Pentaract answered {@code status} and retrying the same request cannot help. */
  static PentaractFailure permanent(String message, int status) {
    return new PentaractFailure(message, Disposition.PERMANENT, OptionalInt.of(status), false,
        message, null);
  }

  /** Pentaract answered {@code status}, or gave {@code status} with bytes that were wrong; may pass. */
  static PentaractFailure retry(String message, int status) {
    return new PentaractFailure(message, Disposition.RETRY, OptionalInt.of(status), false, message,
        null);
  }

  /** Pentaract asked us to slow down, and maybe said for how long. */
  static PentaractFailure retryAfter(String message, int status, Optional<Duration> after) {
    return new PentaractFailure(message, after.map(Disposition::retryAfter)
        .orElse(Disposition.RETRY), OptionalInt.of(status), false, message, null);
  }

  /** A gateway answered {@code status} for a Pentaract that is down: an outage for the breaker. */
  static PentaractFailure outage(String message, int status, String reason) {
    return new PentaractFailure(message, Disposition.RETRY, OptionalInt.of(status), true, reason,
        null);
  }

  // ---- Pentaract did not answer

  /** No answer at all (refused, timed out, connection broken): an outage for the breaker. */
  static PentaractFailure unreachable(String message, String reason, Throwable cause) {
    return new PentaractFailure(message, Disposition.RETRY, OptionalInt.empty(), true, reason,
        cause);
  }

  /** The circuit breaker holds Pentaract for down: keep the work, retry without an attempt limit. */
  static PentaractFailure unavailable(String message, String reason) {
    return new PentaractFailure(message, Disposition.UNAVAILABLE, OptionalInt.empty(), true, reason,
        null);
  }

  /** The cause in a few words. */
  String reason() {
    return reason;
  }

  /** The HTTP status Pentaract answered with; empty when there was no answer. */
  OptionalInt status() {
    return status;
  }

  /** True when Pentaract could not be reached or a gateway said it is down. */
  boolean outage() {
    return outage;
  }
}
