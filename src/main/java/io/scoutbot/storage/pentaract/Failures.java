package io.scoutbot.storage.pentaract;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;

/**
 * Turns what Pentaract answered (a status and its plain-text body) or how the connection failed into
 * one {@link PentaractFailure}: a message that says what went wrong and what the user can do, and the
 * disposition. The one place that knows Pentaract's error texts. Immutable and thread-safe.
 */
final class Failures {

  /** What the client was doing, which decides how a status reads. */
  enum Call {
    LOGIN("logging in"),
    LIST_STORAGES("listing storages"),
    GET_STORAGE("opening the storage"),
    CREATE_STORAGE("creating the storage"),
    UPLOAD("uploading"),
    TREE("listing"),
    DOWNLOAD("downloading"),
    DELETE("deleting");

    final String doing;

    Call(String doing) {
      this.doing = doing;
    }
  }

  private static final int MAX_BODY_IN_MESSAGE = 200;

  private final String api;
  private final String email;

  /**
   * @param api the API base URL, as the user configured it
   * @param email the account, for messages about credentials and access
   */
  Failures(String api, String email) {
    this.api = api;
    this.email = email;
  }

  /**
   * Classifies an HTTP answer that is not what {@code call} expects.
   *
   * @param target the path or storage the call was about, for the message
   * @param firstUpload true when no upload to this storage has succeeded yet and it holds no files,
   *     where a 500 usually means a Telegram set-up problem rather than a passing fault
   */
  PentaractFailure http(Call call, String target, int status, String contentType, String body,
      Optional<Duration> retryAfter, boolean firstUpload) {
    String answer = answer(status, contentType, body);
    String what = call.doing + (target.isEmpty() ? "" : " " + target);
    String text = body == null ? "" : body.strip().toLowerCase(Locale.ROOT);
    return switch (status) {
      case 401 -> call == Call.LOGIN
          ? permanent(status, "Pentaract at " + api + " rejected the login for " + email + " ("
              + answer + "): check PENTARACT_EMAIL and PENTARACT_PASSWORD")
          : permanent(status, "Pentaract refused a token it had just issued while " + what + " ("
              + answer + "); check that the Pentaract server's clock is right and that its "
              + "SECRET_KEY is not changing between restarts");
      case 404 -> switch (call) {
        case LOGIN -> notApi(status, answer);
        case DOWNLOAD -> permanent(status, "the object " + target + " is missing from the Pentaract "
            + "storage (" + answer + "); this copy of the file cannot be recovered from Pentaract");
        default -> permanent(status, "Pentaract storage " + target + " does not exist or " + email
            + " has no access to it (" + answer + "; Pentaract answers 404 for both): check "
            + "PENTARACT_STORAGE, or give this account access to the storage in Pentaract");
      };
      case 405 -> notApi(status, answer);
      case 409 -> conflict(status, what, text, answer);
      case 413 -> permanent(status, "Pentaract, or a proxy in front of it, refused the request body "
          + "while " + what + " (" + answer + "): raise the proxy's body size limit (e.g. nginx "
          + "client_max_body_size) or lower PENTARACT_SEGMENT_MB");
      case 429 -> PentaractFailure.retryAfter(
          "Pentaract asked us to slow down while " + what + " (" + answer + ")", status, retryAfter);
      case 500 -> PentaractFailure.retry(call == Call.UPLOAD
          ? "Pentaract failed to store " + target + " (" + answer + "); usually Telegram refused a "
              + "chunk"
              + (firstUpload ? ". This is the first upload to this storage: check that the storage "
                  + "worker's bot is an administrator of the Telegram channel, and that the "
                  + "storage's chat id is the channel id without the -100 prefix (channel "
                  + "-1001234567890 is -1234567890)" : "")
          : "Pentaract failed while " + what + " (" + answer + ")", status);
      case 502, 503, 504 -> PentaractFailure.outage(
          "Pentaract at " + api + " is unavailable (" + answer + " from the server or a gateway in "
              + "front of it) while " + what, status, answer);
      case 400, 415, 422 -> permanent(status, "Pentaract rejected the request as malformed while "
          + what + " (" + answer + "); this Pentaract may not speak the API ScoutBot expects "
          + "(Dominux/Pentaract)");
      default -> status >= 500
          ? PentaractFailure.retry("Pentaract failed while " + what + " (" + answer + ")", status)
          : permanent(status, "Pentaract refused " + what + " (" + answer + ")");
    };
  }

  /** A 2xx answer that is not the JSON the API gives: the URL points at the web UI or elsewhere. */
  PentaractFailure notJson(Call call, int status, String contentType) {
    String got = contentType == null || contentType.isBlank()
        ? "no content type"
        : contentType.toLowerCase(Locale.ROOT).startsWith("text/html")
            ? "an HTML page (Pentaract's web UI answers unknown paths that way)"
            : contentType;
    return permanent(status, "while " + call.doing + ", " + api + " answered " + status + " with "
        + got + " instead of JSON: PENTARACT_API_URL must be the Pentaract API base URL including "
        + "/api, e.g. http://pentaract:8000/api");
  }

  /**
   * A JSON answer that does not have the shape the API documents.
   *
   * @param status the answer's status: Pentaract did answer, which the circuit breaker counts
   */
  PentaractFailure unexpected(Call call, int status, String detail) {
    return permanent(status, "while " + call.doing + ", Pentaract at " + api + " answered in an "
        + "unexpected format (" + detail + "); this server may not speak the API ScoutBot expects "
        + "(Dominux/Pentaract)");
  }

  /**
   * Classifies a failure to get any answer at all. Only a thread that really is interrupted makes a
   * cancellation: the HTTP client reports connect and pool timeouts as {@link
   * InterruptedIOException}s too, and those mean Pentaract is out of reach.
   */
  PentaractFailure io(Call call, String target, IOException e) {
    if (e instanceof LocalFileException local) {
      return local.failure();
    }
    String what = call.doing + (target.isEmpty() ? "" : " " + target);
    if (Thread.currentThread().isInterrupted() || e instanceof ClosedByInterruptException) {
      return PentaractFailure.cancelled(what, e);
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // before SocketTimeoutException and InterruptedIOException, which these extend
    if (e instanceof ConnectException || e instanceof NoRouteToHostException
        || e instanceof UnknownHostException || e instanceof ConnectTimeoutException) {
      return PentaractFailure.unreachable("cannot reach Pentaract at " + api + " (" + reason
          + "): is it running, and is PENTARACT_API_URL right?", reason, e);
    }
    if (e instanceof ConnectionRequestTimeoutException) {
      return PentaractFailure.unreachable("no connection to Pentaract at " + api + " became free "
          + "while " + what + " (" + reason + "): every connection is still waiting for Pentaract's "
          + "answer", "no free connection: " + reason, e);
    }
    if (e instanceof SocketTimeoutException) {
      return PentaractFailure.unreachable("Pentaract at " + api + " stopped answering while "
          + what + " (" + reason + ")", reason, e);
    }
    return PentaractFailure.unreachable("the connection to Pentaract at " + api + " broke while "
        + what + " (" + reason + ")", reason, e);
  }

  private PentaractFailure conflict(int status, String what, String text, String answer) {
    if (text.contains("does not have workers") || text.contains("no storage workers")) {
      return permanent(status, "the Pentaract storage has no storage workers (" + answer + "): add "
          + "a storage worker (a Telegram bot token) for this storage in Pentaract, then retry");
    }
    if (text.contains("chat id")) {
      return permanent(status, "another Pentaract storage already uses this Telegram chat id ("
          + answer + "): set PENTARACT_STORAGE to that storage, or PENTARACT_CHAT_ID to another "
          + "channel");
    }
    return permanent(status, "Pentaract reported a conflict while " + what + " (" + answer + ")");
  }

  private PentaractFailure notApi(int status, String answer) {
    return permanent(status, "there is no Pentaract API at " + api + " (" + answer + "): "
        + "PENTARACT_API_URL must be the Pentaract base URL including /api, e.g. "
        + "http://pentaract:8000/api");
  }

  /** Permanent, with the status Pentaract answered (0: none, as for an answer never read). */
  private static PentaractFailure permanent(int status, String message) {
    return status == 0
        ? PentaractFailure.permanent(message)
        : PentaractFailure.permanent(message, status);
  }

  /** "HTTP 409: Storage does not have workers", with the body cut short and HTML left out. */
  static String answer(int status, String contentType, String body) {
    String b = body == null ? "" : body.strip();
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/html")) {
      b = "an HTML page";
    } else if (b.length() > MAX_BODY_IN_MESSAGE) {
      b = b.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }
    b = b.replaceAll("\\s+", " ");
    return "HTTP " + status + (b.isEmpty() ? "" : ": " + b);
  }
}
