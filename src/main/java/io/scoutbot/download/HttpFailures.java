package io.scoutbot.download;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;

/**
 * Classifies a download's failures once, where the cause is known, into what the queue does next:
 * a refusal that retrying cannot change is permanent (4xx, a refused address, an untrusted
 * certificate); a server or network hiccup is retried (5xx, timeouts, resets, a full disk);
 * 429/503 with Retry-After come back when the server asked. Messages are for the user: what
 * happened, in plain words, and what happens next. Stateless.
 */
final class HttpFailures {

  /** The longest Retry-After honoured; a server asking for more is tried again after this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private HttpFailures() {}

  /** An answer that is neither a file nor a redirect. */
  static ScoutFailure status(int code, String reason, String retryAfter, URI url,
      InstantSource clock) {
    String status = "HTTP " + code + (reason == null || reason.isBlank() ? "" : " " + reason);
    String head = "cannot fetch " + Urls.shown(url) + ": ";
    return switch (code) {
      case 401, 407 -> permanent(head + "the server asks for a login (" + status + "); only URLs"
          + " anyone can open can be fetched");
      case 403 -> permanent(head + "the server refused access (" + status + ")");
      case 404 -> permanent(head + "there is no file at this address (" + status + "); check"
          + " the URL");
      case 410 -> permanent(head + "the file was removed from the server (" + status + ")");
      case 408, 425 -> new ScoutFailure(head + "the server timed out (" + status + "); it is"
          + " tried again later", Disposition.RETRY);
      case 429, 503 -> {
        Duration wait = retryAfter(retryAfter, clock);
        String what = code == 429 ? "the server is limiting requests" : "the server is busy";
        yield wait == null
            ? new ScoutFailure(head + what + " (" + status + "); it is tried again later",
                Disposition.RETRY)
            : new ScoutFailure(head + what + " (" + status + "); it is tried again in "
                + wait.toSeconds() + " s, as the server asked", Disposition.retryAfter(wait));
      }
      case 501, 505 -> permanent(head + "the server cannot serve this request (" + status + ")");
      default -> {
        if (code >= 500) {
          yield new ScoutFailure(head + "the server failed (" + status + "); it is tried again"
              + " later", Disposition.RETRY);
        }
        if (code >= 400) {
          yield permanent(head + "the server refused the request (" + status + ")");
        }
        yield permanent(head + "unexpected answer (" + status + ")");
      }
    };
  }

  /**
   * A failure while connecting or reading.
   *
   * @param received bytes of the file on disk so far
   * @param resumable whether the next attempt can resume from them
   * @param timeout the idle timeout, for the message
   */
  static ScoutFailure io(IOException e, URI url, long received, boolean resumable,
      Duration timeout) {
    String head = "cannot fetch " + Urls.shown(url) + ": ";
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof NetGuard.Refused r) {
        return r.failure(url);
      }
    }
    String host = url.getHost();
    if (e instanceof UnknownHostException) {
      return retry(head + "cannot find the host " + host + " (the name lookup failed)", e);
    }
    if (e instanceof ConnectTimeoutException
        || e instanceof HttpHostConnectException && e.getCause() instanceof SocketTimeoutException) {
      return retry(head + "cannot connect to " + host + " (no answer within " + timeout.toSeconds()
          + " s, DOWNLOAD_TIMEOUT)", e);
    }
    if (e instanceof HttpHostConnectException || e instanceof ConnectException
        || e instanceof NoRouteToHostException) {
      return retry(head + "cannot connect to " + host + " (" + e.getMessage() + ")", e);
    }
    if (e instanceof SSLHandshakeException) {
      return new ScoutFailure(head + "the secure connection to " + host + " failed ("
          + e.getMessage() + "); an untrusted or expired certificate does not fix itself",
          Disposition.PERMANENT, e);
    }
    String next = received == 0 ? "it is tried again later"
        : resumable ? "the next attempt resumes from there"
            : "the server cannot resume, so the next attempt starts over";
    if (e instanceof SlowSource.TooSlow slow) {
      return retry(head + "the server sent only " + slow.bytes + " bytes in "
          + slow.window.toSeconds() + " s, slower than DOWNLOAD_MIN_BYTES_PER_SECOND, after "
          + received + " bytes; " + next, e);
    }
    if (e instanceof SocketTimeoutException) {
      return retry(head + "the server sent nothing for " + timeout.toSeconds()
          + " s (DOWNLOAD_TIMEOUT) after " + received + " bytes; " + next, e);
    }
    return retry(head + "the connection dropped after " + received + " bytes ("
        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
        + "); " + next, e);
  }

  /**
   * A failure writing the temp file: a full disk is retried later (not the file's fault), the
   * partial file having been removed.
   */
  static ScoutFailure write(IOException e, Path dir, long received) {
    if (diskFull(e)) {
      return new ScoutFailure("disk full: the temp space (TMPFILE_PATH) holding " + dir
          + " has no room left after " + received + " bytes; the partial file was removed and"
          + " the job is retried later", Disposition.RETRY, e);
    }
    return new ScoutFailure("cannot write the temp file in " + dir + " (" + e.getMessage()
        + "); the job is retried later", Disposition.RETRY, e);
  }

  /** Whether a write failed because the file system (or the user's quota) is full. */
  static boolean diskFull(IOException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c instanceof FileSystemException f ? f.getReason() : c.getMessage();
      if (m != null) {
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left") || lower.contains("disk quota exceeded")
            || lower.contains("not enough space")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Retry-After as seconds or an HTTP date, within [1 s, {@link #MAX_RETRY_AFTER}]; null if absent or bad. */
  static Duration retryAfter(String value, InstantSource clock) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant();
        d = Duration.between(clock.instant(), at);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      d = Duration.ofSeconds(1);
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  private static ScoutFailure permanent(String message) {
    return new ScoutFailure(message + "; not retried", Disposition.PERMANENT);
  }

  private static ScoutFailure retry(String message, Throwable cause) {
    return new ScoutFailure(message, Disposition.RETRY, cause);
  }
}
