package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.testing.ManualClock;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How download failures are classified: a table per kind of cause. */
@Timeout(10)
class HttpFailuresTest {

  private static final URI URL = URI.create("https://user:pw@files.example/a/b.zip?token=s3cret");
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));

  @ParameterizedTest(name = "HTTP {0} → {1}")
  @CsvSource({
    "400, PERMANENT", "401, PERMANENT", "403, PERMANENT", "404, PERMANENT", "407, PERMANENT",
    "410, PERMANENT", "451, PERMANENT", "408, RETRY", "425, RETRY", "429, RETRY",
    "500, RETRY", "502, RETRY", "503, RETRY", "504, RETRY", "501, PERMANENT", "505, PERMANENT",
    "204, PERMANENT", "300, PERMANENT"
  })
  void status_isClassified(int code, Disposition.Kind kind) {
    ScoutFailure f = HttpFailures.status(code, "Reason", null, URL, clock);

    assertThat(f.disposition().kind()).isEqualTo(kind);
    assertThat(f.getMessage()).contains("HTTP " + code)
        .as("no credentials or query in messages").doesNotContain("pw", "s3cret");
  }

  @ParameterizedTest(name = "{0} Retry-After: {1}")
  @CsvSource({
    "429, 120, 120",
    "503, 1, 1",
    "503, 0, 1",
    "429, 999999, 3600",
    "503, 'Sun, 01 Mar 2026 12:05:00 GMT', 300",
    "503, 'Sun, 01 Mar 2026 11:00:00 GMT', 1"
  })
  void retryAfter_isHonoured_withinBounds(int code, String header, long seconds) {
    ScoutFailure f = HttpFailures.status(code, "", header, URL, clock);

    assertThat(f.disposition()).isEqualTo(Disposition.retryAfter(Duration.ofSeconds(seconds)));
  }

  @Test
  void retryAfter_thatIsNotADate_isAPlainRetry() {
    assertThat(HttpFailures.status(503, "", "soon", URL, clock).disposition())
        .isEqualTo(Disposition.RETRY);
  }

  @Test
  void io_failures_areRetried_sayingWhatHappensNext() {
    Duration t = Duration.ofSeconds(30);

    assertThat(HttpFailures.io(new UnknownHostException("files.example"), URL, 0, false, t)
        .getMessage()).contains("cannot find the host files.example");
    assertThat(HttpFailures.io(new SocketTimeoutException("Read timed out"), URL, 5000, true, t)
        .getMessage()).contains("sent nothing for 30 s (DOWNLOAD_TIMEOUT) after 5000 bytes",
            "resumes from there");
    ScoutFailure dropped =
        HttpFailures.io(new ConnectionClosedException("Premature end"), URL, 10, false, t);
    assertThat(dropped.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(dropped.getMessage()).contains("dropped after 10 bytes", "starts over");
  }

  @Test
  void io_refusedAddress_isPermanent() {
    IOException refused = new IOException("wrapped",
        new NetGuard.Refused("internal", java.net.InetAddress.getLoopbackAddress(), "a loopback"));

    assertThat(HttpFailures.io(refused, URL, 0, false, Duration.ofSeconds(1)).disposition())
        .isEqualTo(Disposition.PERMANENT);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "'No space left on device', true",
    "'Disk quota exceeded', true",
    "'There is not enough space on the disk', true",
    "'Broken pipe', false",
    "'Permission denied', false"
  })
  void diskFull_isRecognisedFromTheSystemsWords(String reason, boolean full) {
    assertThat(HttpFailures.diskFull(new IOException(reason))).isEqualTo(full);
    assertThat(HttpFailures.diskFull(new FileSystemException("/tmp/x", null, reason)))
        .isEqualTo(full);
  }

  @Test
  void write_ofAFullDisk_isARetry_notTheFilesFault() {
    ScoutFailure f = HttpFailures.write(new IOException("No space left on device"),
        Path.of("/data/tmp/jobs/7"), 1234);

    assertThat(f.disposition()).isEqualTo(Disposition.RETRY);
    assertThat(f.getMessage()).startsWith("disk full:").contains("/data/tmp/jobs/7");
  }
}
