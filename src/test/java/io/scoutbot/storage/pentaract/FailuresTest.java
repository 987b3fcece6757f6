package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.pentaract.Failures.Call;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pentaract's plain-text answers and connection failures become messages with a next step. */
class FailuresTest {

  private final Failures failures = new Failures("http://pentaract:8000/api", "bot@example.com");

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of(Call.LOGIN, 401, "not authenticated", Disposition.Kind.PERMANENT, false,
            "PENTARACT_EMAIL and PENTARACT_PASSWORD"),
        Arguments.of(Call.UPLOAD, 401, "not authenticated", Disposition.Kind.PERMANENT, false,
            "refused a token it had just issued"),
        Arguments.of(Call.UPLOAD, 409, "Storage does not have workers", Disposition.Kind.PERMANENT,
            false, "add a storage worker (a Telegram bot token)"),
        Arguments.of(Call.CREATE_STORAGE, 409, "Storage with such chat id already exists",
            Disposition.Kind.PERMANENT, false, "already uses this Telegram chat id"),
        Arguments.of(Call.TREE, 404, "storage with id \"x\" does not exist",
            Disposition.Kind.PERMANENT, false, "has no access to it"),
        Arguments.of(Call.DOWNLOAD, 404, "such file does not exist", Disposition.Kind.PERMANENT,
            false, "cannot be recovered from Pentaract"),
        Arguments.of(Call.LOGIN, 405, "", Disposition.Kind.PERMANENT, false, "including /api"),
        Arguments.of(Call.UPLOAD, 413, "", Disposition.Kind.PERMANENT, false,
            "lower PENTARACT_SEGMENT_MB"),
        Arguments.of(Call.UPLOAD, 422, "missing field", Disposition.Kind.PERMANENT, false,
            "may not speak the API"),
        Arguments.of(Call.UPLOAD, 500, "Something went wrong", Disposition.Kind.RETRY, false,
            "usually Telegram refused a chunk"),
        Arguments.of(Call.TREE, 500, "Something went wrong", Disposition.Kind.RETRY, false,
            "Pentaract failed while listing"),
        Arguments.of(Call.UPLOAD, 502, "Bad Gateway", Disposition.Kind.RETRY, true, "unavailable"),
        Arguments.of(Call.DOWNLOAD, 503, "", Disposition.Kind.RETRY, true, "unavailable"),
        Arguments.of(Call.TREE, 504, "", Disposition.Kind.RETRY, true, "unavailable"),
        Arguments.of(Call.UPLOAD, 429, "slow down", Disposition.Kind.RETRY, false, "slow down"),
        Arguments.of(Call.DELETE, 418, "teapot", Disposition.Kind.PERMANENT, false,
            "refused deleting"));
  }

  @ParameterizedTest(name = "{0} answered {1} {2}")
  @MethodSource("answers")
  void http_classifiesTheAnswer(Call call, int status, String body, Disposition.Kind kind,
      boolean outage, String advice) {
    PentaractFailure f =
        failures.http(call, "scoutbot/ABC123/a.iso", status, "text/plain; charset=utf-8", body,
            Optional.empty(), false);

    assertThat(f.disposition().kind()).isEqualTo(kind);
    assertThat(f.outage()).isEqualTo(outage);
    assertThat(f.status()).hasValue(status);
    assertThat(f.getMessage()).contains(advice).contains("HTTP " + status);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("connectionFailures")
  void io_treatsConnectionFailuresAsRetryableOutages(IOException e, String words) {
    PentaractFailure f = failures.io(Call.UPLOAD, "scoutbot/A/b", e);

    assertThat(f.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(f.outage()).isTrue();
    assertThat(f.getMessage()).contains(words).contains("http://pentaract:8000/api");
  }

  static Stream<Arguments> connectionFailures() {
    return Stream.of(
        Arguments.of(new ConnectException("Connection refused"), "is it running"),
        Arguments.of(new SocketTimeoutException("Read timed out"), "stopped answering"),
        Arguments.of(new SocketException("Connection reset"), "broke while uploading"),
        // a host that drops packets: the connect times out, which is an outage, not a cancellation
        Arguments.of(new ConnectTimeoutException("Connect to http://pentaract:8000 failed: "
            + "Connect timed out"), "is it running"),
        // every pooled connection stuck waiting for Pentaract's answers
        Arguments.of(new ConnectionRequestTimeoutException("Timeout deadline: 600000 MILLISECONDS"),
            "became free while uploading"),
        // aborted without an interrupt (e.g. the client shutting down): not a cancellation either
        Arguments.of(new InterruptedIOException("Request aborted"), "broke while uploading"));
  }

  @Test
  void io_onAnInterruptedThread_isACancellation_notAnOutage() {
    Thread.currentThread().interrupt();
    PentaractFailure f;
    try {
      f = failures.io(Call.UPLOAD, "scoutbot/A/b", new SocketException("Socket closed"));
    } finally {
      Thread.interrupted();
    }

    assertThat(f.getMessage()).isEqualTo("uploading scoutbot/A/b was cancelled");
    assertThat(f.outage()).isFalse();
    assertThat(f.status()).isEmpty();
  }

  @Test
  void tooManyRequests_withRetryAfter_asksToComeBackThen() {
    PentaractFailure f = failures.http(Call.UPLOAD, "p", 429, "text/plain", "",
        Optional.of(Duration.ofSeconds(7)), false);

    assertThat(f.disposition()).isEqualTo(Disposition.retryAfter(Duration.ofSeconds(7)));
  }

  @Test
  void firstUploadFailing_pointsAtTheTelegramSetUp() {
    PentaractFailure f = failures.http(Call.UPLOAD, "p", 500, "text/plain",
        "Something went wrong", Optional.empty(), true);

    assertThat(f.getMessage()).contains("administrator of the Telegram channel")
        .contains("-1001234567890 is -1234567890");
  }

  @Test
  void answerOfTheWrongShape_isPermanent_andKeepsItsStatus_soTheBreakerCountsItAsAnAnswer() {
    PentaractFailure f =
        failures.unexpected(Call.LOGIN, 200, "no access_token in the login answer");

    assertThat(f.disposition()).isEqualTo(Disposition.PERMANENT);
    assertThat(f.outage()).isFalse();
    assertThat(f.status()).hasValue(200);
    assertThat(f.getMessage()).contains("unexpected format (no access_token in the login answer)");
  }

  @Test
  void htmlInsteadOfJson_pointsAtTheApiUrl() {
    PentaractFailure f = failures.notJson(Call.LIST_STORAGES, 200, "text/html");

    assertThat(f.disposition()).isEqualTo(Disposition.PERMANENT);
    assertThat(f.getMessage()).contains("an HTML page").contains("PENTARACT_API_URL")
        .contains("/api");
  }

  @Test
  void localFileFailure_isReportedAsItself_notAsANetworkFault() {
    PentaractFailure local = PentaractFailure.permanent("cannot read /x: gone");

    assertThat(failures.io(Call.UPLOAD, "p", new LocalFileException(local))).isSameAs(local);
  }

  @Test
  void answer_keepsPlainTextShort_andLeavesHtmlOut() {
    assertThat(Failures.answer(409, "text/plain", "File with such name already exists"))
        .isEqualTo("HTTP 409: File with such name already exists");
    assertThat(Failures.answer(200, "text/html", "<html>…</html>")).isEqualTo("HTTP 200: an HTML page");
    assertThat(Failures.answer(500, "text/plain", "x".repeat(500))).hasSize(
        "HTTP 500: ".length() + 201);
  }
}
