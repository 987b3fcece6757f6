package io.scoutbot.telegram;

import com.fasterxml.jackson.core.JacksonException;
import io.scoutbot.retry.Disposition;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.telegram.telegrambots.meta.api.objects.ResponseParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiValidationException;

/**
 * Turns what the Bot API answered ({@code error_code}, {@code description}, {@code parameters}, or
 * only an HTTP status when the answer was not JSON) or how the connection failed into one {@link
 * BotApiFailure}: a message saying what went wrong and what happens next, and the disposition. The
 * one place that knows Telegram's error texts. Immutable and thread-safe.
 */
final class Failures {

  private static final Map<String, String> DOING = Map.ofEntries(
      Map.entry("getme", "checking the bot token"),
      Map.entry("deletewebhook", "removing the webhook"),
      Map.entry("setmycommands", "registering the command list"),
      Map.entry("getupdates", "receiving updates"),
      Map.entry("sendmessage", "sending a message"),
      Map.entry("editmessagetext", "editing a message"),
      Map.entry("deletemessage", "deleting a message"),
      Map.entry("answercallbackquery", "answering a button press"),
      Map.entry("senddocument", "sending a file"),
      Map.entry("sendvideo", "sending a video"),
      Map.entry("getfile", "looking up a file"),
      Map.entry("download", "downloading a file"));

  private final String api;
  private final Redactor redactor;

  /**
   * @param api the Bot API base URL as configured (it never holds the token)
   */
  Failures(String api, Redactor redactor) {
    this.api = api;
    this.redactor = redactor;
  }

  /**
   * Classifies the failure of a method call.
   *
   * @param status the HTTP status of the answer, 0 when none came
   * @param t what TelegramBots or OkHttp threw
   */
  BotApiFailure of(String method, int status, Throwable t) {
    if (t instanceof TelegramApiRequestException r && r.getErrorCode() != null
        && r.getErrorCode() > 0) {
      return answer(method, r.getErrorCode(), r.getApiResponse(), r.getParameters(), t);
    }
    if (t instanceof TelegramApiValidationException) {
      return new BotApiFailure("ScoutBot built an invalid " + method + " request ("
          + redactor.scrub(t.getMessage()) + "); this is a bug", Disposition.PERMANENT, 0, null,
          redactor.scrub(t));
    }
    if (status > 0) {
      return status(method, status, t);
    }
    IOException io = connectionFault(t);
    if (io != null) {
      return io(method, io);
    }
    return new BotApiFailure("the Telegram Bot API call failed while " + doing(method) + " ("
        + reason(t) + ")", Disposition.RETRY, 0, null, redactor.scrub(t));
  }

  /** Classifies a JSON error answer: {@code {"ok":false,"error_code":N,"description":…}}. */
  BotApiFailure answer(String method, int code, String description, ResponseParameters params,
      Throwable cause) {
    String d = description == null ? "" : redactor.scrub(description);
    String lower = d.toLowerCase(Locale.ROOT);
    String doing = doing(method);
    Throwable c = redactor.scrub(cause);
    if (params != null && params.getMigrateToChatId() != null) {
      return permanent("this group became a supergroup (new chat id " + params.getMigrateToChatId()
          + "); send the command again in it", code, d, c);
    }
    return switch (code) {
      case 429 -> {
        Integer after = params == null ? null : params.getRetryAfter();
        yield new BotApiFailure("Telegram asked the bot to slow down while " + doing
            + (after == null ? "" : " and to wait " + after + " s") + " (" + d + ")",
            after == null ? Disposition.RETRY : Disposition.retryAfter(Duration.ofSeconds(after)),
            code, d, c);
      }
      case 401, 404 -> invalidToken(method, code, d, c);
      case 403 -> lower.contains("bot was blocked by the user")
          ? permanent("the user has blocked the bot, so it cannot send them anything until they "
              + "unblock it in Telegram", code, d, c)
          : permanent("Telegram refused " + doing + " (" + d + ")", code, d, c);
      case 413 -> tooLarge(code, d, c);
      case 400 -> lower.contains("file is too big")
          ? permanent("the file is too big for the bot to download: "
              + TelegramLimits.fetchLimitExplanation(), code, d, c)
          : permanent("Telegram refused " + doing + " (" + d + ")", code, d, c);
      default -> code >= 500
          ? new BotApiFailure("the Telegram Bot API at " + api + " failed while " + doing + " ("
              + code + " " + d + "); it will be tried again", Disposition.RETRY, code, d, c)
          : permanent("Telegram refused " + doing + " (" + code + " " + d + ")", code, d, c);
    };
  }

  /** Classifies an HTTP answer that was not the JSON the Bot API gives. */
  BotApiFailure status(String method, int status, Throwable cause) {
    Throwable c = redactor.scrub(cause);
    String doing = doing(method);
    if (status == 401 || status == 404) {
      return invalidToken(method, status, "HTTP " + status, c);
    }
    if (status == 413) {
      return tooLarge(status, "HTTP 413", c);
    }
    if (status == 429) {
      return new BotApiFailure("Telegram asked the bot to slow down while " + doing
          + " (HTTP 429)", Disposition.RETRY, status, null, c);
    }
    if (status >= 500) {
      return new BotApiFailure("the Telegram Bot API at " + api + " failed while " + doing
          + " (HTTP " + status + "); it will be tried again", Disposition.RETRY, status, null, c);
    }
    return permanent("the server at " + api + " answered HTTP " + status + " while " + doing
        + ", not as the Telegram Bot API does: is TELEGRAM_API_BASE_URL a Bot API server?",
        status, null, c);
  }

  /** Classifies a failure to get any answer: a retry, the Bot API may be back soon. */
  BotApiFailure io(String method, IOException e) {
    String reason = reason(e);
    Throwable c = redactor.scrub(e);
    // before SocketTimeoutException, which a connect timeout also is
    if (e instanceof ConnectException || e instanceof NoRouteToHostException
        || e instanceof UnknownHostException
        || (e instanceof SocketTimeoutException && reason.toLowerCase(Locale.ROOT)
            .contains("connect"))) {
      return new BotApiFailure("cannot reach the Telegram Bot API at " + api + " (" + reason
          + "): is the network up, and is TELEGRAM_API_BASE_URL right? It will be tried again",
          Disposition.RETRY, 0, null, c);
    }
    if (e instanceof SocketTimeoutException) {
      return new BotApiFailure("the Telegram Bot API at " + api + " stopped answering while "
          + doing(method) + " (" + reason + "); it will be tried again", Disposition.RETRY, 0,
          null, c);
    }
    return new BotApiFailure("the connection to the Telegram Bot API at " + api + " broke while "
        + doing(method) + " (" + reason + "); it will be tried again", Disposition.RETRY, 0, null,
        c);
  }

  /** Classifies a file download ({@code /file/bot<token>/<path>}) that did not answer 200. */
  BotApiFailure download(int status) {
    if (status == 404) {
      // getFile just worked with this token: the link expired (they last an hour) or the file went
      return new BotApiFailure("Telegram no longer serves this file at the link getFile gave "
          + "(HTTP 404; links last about an hour); it will be fetched again with a new link",
          Disposition.RETRY, status, null, null);
    }
    if (status == 401) {
      return invalidToken("download", status, "HTTP 401", null);
    }
    if (status >= 500 || status == 429) {
      return new BotApiFailure("the Telegram Bot API at " + api + " failed while downloading a "
          + "file (HTTP " + status + "); it will be tried again", Disposition.RETRY, status, null,
          null);
    }
    return permanent("the Telegram Bot API at " + api + " refused to serve the file (HTTP "
        + status + ")", status, null, null);
  }

  String reason(Throwable t) {
    String m = t.getMessage();
    return redactor.scrub(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
  }

  private BotApiFailure invalidToken(String method, int code, String d, Throwable c) {
    return permanent("BOT_TOKEN is not valid: the Bot API at " + api + " answered " + code
        + (code == 404 ? " Not Found" : " Unauthorized") + " while " + doing(method)
        + (code == 404 ? " (or TELEGRAM_API_BASE_URL is not a Bot API server)" : "")
        + ". Get the bot's token from @BotFather and set BOT_TOKEN", code, d, c);
  }

  private static BotApiFailure tooLarge(int code, String d, Throwable c) {
    return permanent("the Bot API server refused the file as too large (413 Request Entity Too "
        + "Large): TELEGRAM_UPLOAD_LIMIT_MB is higher than the server accepts (the cloud Bot API "
        + "takes 50 MB; a self-hosted server with TELEGRAM_LOCAL_API=true takes 2000 MB)", code, d,
        c);
  }

  private static BotApiFailure permanent(String message, int code, String d, Throwable c) {
    return new BotApiFailure(message, Disposition.PERMANENT, code, d, c);
  }

  static String doing(String method) {
    return DOING.getOrDefault(method.toLowerCase(Locale.ROOT), "calling " + method);
  }

  /** The I/O fault inside {@code t}, if the connection failed; JSON parse errors do not count. */
  private static IOException connectionFault(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException io && !(c instanceof JacksonException)) {
        return io;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
