package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.storage.pentaract.FakePentaract;
import io.scoutbot.testing.Browser;
import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running {@code serve} (the jar) uploading to the fake Pentaract, seen the way an operator sees
 * it: the status page in headless Chromium with the upload in flight, and {@code /ready} following
 * Pentaract down and back. Skipped without Chromium outside CI (see {@link Browser}).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ServeStatusPageIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMAIL = "admin@example.com";
  private static final String PASSWORD = "secret";

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses scout = ScoutProcesses.in(() -> work).jvm("-Xmx128m")
      .cpuNeverThrottles()
      .env("PENTARACT_ENABLED", "true")
      .env("PENTARACT_EMAIL", EMAIL)
      .env("PENTARACT_PASSWORD", PASSWORD)
      .env("QUEUE_POLL_SECONDS", "1")
      .env("RESOURCE_SAMPLE_SECONDS", "1");
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private FakePentaract fake;
  private String base;

  @BeforeEach
  void start() throws IOException {
    fake = new FakePentaract(work.resolve("fake"), InstantSource.system()).user(EMAIL, PASSWORD);
    fake.addStorage(EMAIL, "ScoutBot-Storage", -1001234567890L, true);
    fake.start(0);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    base = "http://127.0.0.1:" + port;
    scout.env("PENTARACT_API_URL", fake.apiUrl().toString())
        .env("HTTP_ADDR", "127.0.0.1:" + port);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void statusPage_showsTheUploadInFlight_andReadyFollowsPentaractDownAndBack() throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(work.resolve("film.mkv").toFile(), "rw")) {
      f.setLength(60L << 20);
    }
    CountDownLatch resume = new CountDownLatch(1);
    fake.stallUpload(20L << 20, resume);
    scout.start("serve", Map.of("LOG_LEVEL", "info"), "serve");
    scout.awaitErr("serve", "ScoutBot is running", Duration.ofSeconds(90));
    ScoutProcesses.Result queued = scout.run(Map.of("LOG_LEVEL", "warn"), Duration.ofSeconds(90),
        "upload", "--no-wait", "film.mkv");
    assertThat(queued.exit()).as(queued.err()).isZero();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
      JsonNode t = status().path("transfers");
      return t.size() == 1 && t.get(0).path("bytes").asLong() > 0;
    });

    try (Browser browser = Browser.open(work.resolve("browser"), 1280, 1500)) {
      browser.navigate(URI.create(base + "/"));
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
          browser.run("return !!document.querySelector('#chart-svg path.series.cpu') && "
              + "!!document.querySelector('#queue-jobs li.job progress');").asBoolean());
      JsonNode page = browser.run("""
          const job = document.querySelector('#queue-jobs li.job');
          return {
            thresholds: Array.from(document.querySelectorAll('#chart-svg line.threshold'))
                .map(l => l.getAttribute('class') + '@' + l.getAttribute('data-value')),
            name: job.querySelector('.name').textContent,
            progress: job.querySelector('progress').value,
            state: job.querySelector('.state').textContent,
            pills: document.getElementById('pills').textContent
          };""");
      browser.screenshot(Path.of("target", "status-page-serve.png"));

      assertThat(page.get("thresholds")).extracting(JsonNode::asText)
          .contains("threshold cpu@100", "threshold memory@80");
      assertThat(page.get("name").asText()).isEqualTo("film.mkv");
      assertThat(page.get("progress").asDouble()).as("stalled a third of the way")
          .isGreaterThan(0).isLessThan(100);
      assertThat(page.get("state").asText()).contains("storing");
      assertThat(page.get("pills").asText()).contains("Storage (pentaract) up");
    }
    resume.countDown();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> status().path("queue").path("completed").asInt() == 1);

    assertThat(get("/ready").statusCode()).isEqualTo(200);
    fake.stop();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> get("/ready").statusCode() == 503);
    JsonNode notReady = JSON.readTree(get("/ready").body());
    assertThat(notReady.toString()).contains("storage");
    fake.start();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> get("/ready").statusCode() == 200);
  }

  private JsonNode status() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/status");
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
