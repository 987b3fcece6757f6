package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.testing.PrometheusText;
import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} with its HTTP server on, as an operator meets it: health, readiness, the status
 * document and metrics that follow what the workers of this process do.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServeHttpIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TOKEN = "it-token-123";

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses scout = ScoutProcesses.in(() -> work).jvm("-Xmx128m")
      .cpuNeverThrottles();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void serve_answersHealthReadyStatusAndMetrics_andCountsTheJobsItRuns() throws Exception {
    int port = freePort();
    String base = "http://127.0.0.1:" + port;
    Process serve = scout.start("serve", Map.of("LOG_LEVEL", "info",
        "HTTP_ADDR", "127.0.0.1:" + port, "HTTP_TOKEN", TOKEN, "QUEUE_POLL_SECONDS", "1"),
        "serve");
    scout.awaitErr("serve", "ScoutBot is running", Duration.ofSeconds(60));

    assertThat(get(base + "/health", null).statusCode()).isEqualTo(200);
    assertThat(get(base + "/metrics", null).statusCode()).as("a token is asked for")
        .isEqualTo(401);
    HttpResponse<String> ready = get(base + "/ready", TOKEN);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

    Files.write(work.resolve("a.bin"), new byte[300_000]);
    ScoutProcesses.Result up = scout.run(Map.of("LOG_LEVEL", "warn"), TIMEOUT,
        "upload", "--no-wait", "a.bin", "--json");
    assertThat(up.exit()).as(up.err()).isZero();
    String code = up.json().get("files").get(0).get("code").asText();

    JsonNode status = awaitStatus(base, s -> s.path("queue").path("completed").asLong() == 1);
    assertThat(status.path("components").path("http").path("up").asBoolean()).isTrue();
    // the real process's whole exposition, through a strict parser of the text format
    PrometheusText metrics = PrometheusText.parse(get(base + "/metrics", TOKEN).body());
    assertThat(metrics.valueOf("scoutbot_job_duration_seconds_count", "outcome", "completed"))
        .isEqualTo(1);
    assertThat(metrics.valueOf("scoutbot_transferred_bytes_total", "direction", "upload",
        "target", "local")).isEqualTo(300_000);
    assertThat(metrics.valueOf("scoutbot_throttled")).isZero();
    assertThat(metrics.valueOf("scoutbot_memory_budget_capacity_bytes")).isPositive();
    assertThat(scout.run(Map.of("LOG_LEVEL", "warn"), TIMEOUT, "info", code).out())
        .contains("a.bin");

    serve.destroy();
    assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(scout.err("serve")).doesNotContain(TOKEN);
  }

  private JsonNode awaitStatus(String base, Predicate<JsonNode> done)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get(base + "/api/status", TOKEN);
      if (r.statusCode() == 200) {
        last = JSON.readTree(r.body());
        if (done.test(last)) {
          return last;
        }
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError("the status never showed the job completed: " + last);
  }

  private HttpResponse<String> get(String url, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
