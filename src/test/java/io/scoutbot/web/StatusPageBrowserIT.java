package io.scoutbot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.scoutbot.testing.Browser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real (headless) Chromium, served by a real web server fed by fake ports that
 * hand out the facade's own status report: a busy service with an upload in flight and a throttled
 * period in the last hour. Checks what the
 * page's script drew, not what the server sent, and leaves screenshots in target/ for people to look
 * at. Skipped without Chromium outside CI (see {@link Browser}).
 */
@Timeout(180)
class StatusPageBrowserIT {

  private static final Path SHOTS = Path.of("target");

  @TempDir Path dir;
  private WebServer server;

  @BeforeEach
  void start() {
    server = WebServer.create(new InetSocketAddress("127.0.0.1", 0), null,
        new WebServer.Sources(() -> StatusPageFixture.status(Instant.now()),
            ReadinessCheck.none(), MetricsSource.none(),
            () -> StatusPageFixture.history(Instant.now())),
        WebServer.Limits.defaults());
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Waits until the script has drawn the chart and the queue, then returns {@code script}'s value. */
  private static JsonNode whenDrawn(Browser browser, String script) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        browser.run("return !!document.querySelector('#chart-svg path.series.cpu') && "
            + "!!document.querySelector('#queue-jobs li.job');").asBoolean());
    try {
      return browser.run(script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void thePage_drawsTheChartThresholdsThrottledPeriodAndTheJobInFlight() throws IOException {
    try (Browser browser = Browser.open(dir.resolve("wide"), 1280, 1500)) {
      browser.navigate(server.url());

      JsonNode page = whenDrawn(browser, """
          const q = (s) => document.querySelectorAll(s);
          const job = document.querySelector('#queue-jobs li.job[data-job="42"]');
          const cpu = document.querySelector('#chart-svg path.series.cpu');
          return {
            cpuPoints: Number(cpu.getAttribute('data-points')),
            memoryPaths: q('#chart-svg path.series.memory').length,
            thresholds: Array.from(q('#chart-svg line.threshold'))
                .map(l => l.getAttribute('class') + '@' + l.getAttribute('data-value')),
            throttled: Array.from(q('#chart-svg rect.throttled'))
                .map(r => Number(r.getAttribute('data-to')) - Number(r.getAttribute('data-from'))),
            jobName: job && job.querySelector('.name').textContent,
            jobProgress: job && job.querySelector('progress').value,
            jobDetail: job && job.querySelector('.detail').textContent,
            jobPhase: job && job.querySelector('.state').textContent,
            blocked: document.getElementById('count-blocked').textContent,
            failure: document.querySelector('#failures li.failure').textContent,
            gauges: Array.from(q('#gauges .gauge')).map(g => g.id),
            diskFill: document.querySelector('#gauge-disk .fill').style.width,
            pills: document.getElementById('pills').textContent,
            banner: document.getElementById('banner').hidden
          };""");
      browser.screenshot(SHOTS.resolve("status-page.png"));

      assertThat(page.get("cpuPoints").asInt()).as("an hour in 10 s steps").isEqualTo(360);
      assertThat(page.get("memoryPaths").asInt()).isEqualTo(1);
      assertThat(page.get("thresholds")).extracting(JsonNode::asText)
          .containsExactly("threshold cpu@80", "threshold memory@75");
      assertThat(page.get("throttled")).as("one shaded period, 25 to 18 min ago").hasSize(1);
      assertThat(page.get("throttled").get(0).asInt()).isEqualTo(7 * 60 + 10);
      assertThat(page.get("jobName").asText()).isEqualTo("holiday-video-2026.mp4");
      assertThat(page.get("jobProgress").asDouble())
          .isEqualTo(StatusPageFixture.IN_FLIGHT_PERCENT);
      assertThat(page.get("jobDetail").asText()).contains("42 %").contains("ETA 2:51")
          .contains("5.2 MiB/s");
      assertThat(page.get("jobPhase").asText()).contains("storing").contains("K7Q2MX");
      assertThat(page.get("blocked").asText()).isEqualTo("blocked1");
      assertThat(page.get("failure").asText()).contains("concert.flac").contains("no workers");
      assertThat(page.get("gauges")).extracting(JsonNode::asText)
          .contains("gauge-cpu", "gauge-memory", "gauge-disk", "gauge-heap", "gauge-budget",
              "gauge-work");
      assertThat(page.get("diskFill").asText()).isEqualTo("71.5%");
      assertThat(page.get("pills").asText()).contains("Not throttled")
          .contains("Storage (pentaract) up").contains("yt-dlp up").contains("1 job blocked");
      assertThat(page.get("banner").asBoolean()).as("no error banner").isTrue();
    }
  }

  @Test
  void thePage_fitsAPhoneScreen_withoutSidewaysScrolling() throws IOException {
    try (Browser browser = Browser.open(dir.resolve("phone"), 390, 844)) {
      browser.navigate(server.url());

      JsonNode fit = whenDrawn(browser, """
          return {
            page: document.documentElement.scrollWidth,
            window: window.innerWidth,
            chart: document.getElementById('chart-svg').getBoundingClientRect().width
          };""");
      browser.screenshot(SHOTS.resolve("status-page-phone.png"));

      assertThat(fit.get("window").asInt()).as("a phone's width").isEqualTo(390);
      assertThat(fit.get("page").asInt()).isLessThanOrEqualTo(fit.get("window").asInt());
      assertThat(fit.get("chart").asDouble()).isLessThanOrEqualTo(fit.get("window").asDouble());
    }
  }
}
