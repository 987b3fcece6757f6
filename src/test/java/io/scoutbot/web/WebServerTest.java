package io.scoutbot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.config.HttpConfig;
import io.scoutbot.config.Secret;
import io.scoutbot.metrics.JobMetrics;
import io.scoutbot.metrics.PrometheusMetrics;
import io.scoutbot.testing.PrometheusText;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP server's routes, access rules and failure answers, against fake ports. */
@Timeout(60)
class WebServerTest {

  private static final String TOKEN = "s3cret-token-for-tests";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicReference<Map<String, Object>> status = new AtomicReference<>(doc());
  private final AtomicReference<Readiness> readiness = new AtomicReference<>(new Readiness(List.of(
      new Readiness.Part("database", true, "jdbc:sqlite:data/scoutbot.db"),
      new Readiness.Part("storage", true, "Pentaract at http://pentaract:8000/api: logged in"))));
  private final PrometheusMetrics metrics = PrometheusMetrics.create();
  private CountDownLatch readinessGate = new CountDownLatch(0);
  private WebServer server;
  private WebClient client;

  private static Map<String, Object> doc() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu_usage", 12.5);
    m.put("throttled", false);
    m.put("queue", Map.of("pending", 1));
    return m;
  }

  private WebServer.Sources sources() {
    return new WebServer.Sources(status::get, () -> {
      try {
        readinessGate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return readiness.get();
    }, metrics::scrape, () -> Map.of("t", List.of(1, 2), "cpu", List.of(3.5, 4.5)));
  }

  private void start(String token) {
    server = WebServer.create(new InetSocketAddress("127.0.0.1", 0), token, sources(),
        new WebServer.Limits(4, 16, Duration.ofSeconds(10), Duration.ofSeconds(1)));
    server.start();
    client = new WebClient(server.url());
  }

  @AfterEach
  void stop() {
    readinessGate.countDown();
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void health_isAlwaysOpen_evenWithAToken() throws Exception {
    start(TOKEN);

    HttpResponse<String> r = client.get("/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("ok");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ready", "/metrics", "/api/status", "/api/history", "/",
      "/static/status.js", "/nothing-here"})
  void everythingElse_is401WithoutTheToken_andServedWithIt(String path) {
    start(TOKEN);

    HttpResponse<String> none = client.get(path);
    HttpResponse<String> wrong = client.get(path, "Authorization", "Bearer " + TOKEN + "x");
    HttpResponse<String> basic = client.get(path, "Authorization", "Basic " + TOKEN);
    HttpResponse<String> right = client.get(path, "Authorization", "Bearer " + TOKEN);

    assertThat(List.of(none.statusCode(), wrong.statusCode(), basic.statusCode()))
        .containsOnly(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"scoutbot\"");
    assertThat(none.body()).doesNotContain(TOKEN);
    assertThat(right.statusCode()).isIn(200, 404);
  }

  @Test
  void withoutAToken_onLoopback_nothingAsksForOne() {
    start(null);

    assertThat(client.get("/api/status").statusCode()).isEqualTo(200);
    assertThat(client.get("/login").statusCode()).as("sign-in is moot").isEqualTo(303);
  }

  @Test
  void aBrowser_isShownTheSignInForm_andItsCookieLetsItIn() {
    start(TOKEN);

    HttpResponse<String> page = client.get("/", "Accept", "text/html,application/xhtml+xml");
    HttpResponse<String> form = client.get("/login");
    HttpResponse<String> refused = client.post("/login", "token=guess");
    HttpResponse<String> signedIn = client.post("/login", "token=" + TOKEN);
    String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();

    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.body()).contains("<form method=\"post\" action=\"/login\"");
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body()).contains("width:100%;");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).contains("/");
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain(TOKEN);
    String session = cookie.substring(0, cookie.indexOf(';'));
    assertThat(client.get("/api/status", "Cookie", session).statusCode()).isEqualTo(200);
    assertThat(client.get("/api/status", "Cookie", session + "x").statusCode()).isEqualTo(401);
  }

  @Test
  void signInForm_largerThan4KiB_isRefused() {
    start(TOKEN);

    HttpResponse<String> r = client.post("/login", "token=" + "x".repeat(10_000));

    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void ready_is200WhenEveryPartIs_503NamingThePartWhenNot_and200AgainWhenItIsBack()
      throws Exception {
    start(null);
    HttpResponse<String> up = client.get("/ready");
    readiness.set(new Readiness(List.of(
        new Readiness.Part("database", true, "jdbc:sqlite:data/scoutbot.db"),
        new Readiness.Part("storage", false, "Pentaract at http://pentaract:8000/api is "
            + "unavailable; a background check retries"))));
    HttpResponse<String> down = client.get("/ready");
    readiness.set(new Readiness(List.of(new Readiness.Part("storage", true, "logged in"))));
    HttpResponse<String> back = client.get("/ready");

    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(json(up).get("ready").asBoolean()).isTrue();
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).get("ready").asBoolean()).isFalse();
    assertThat(json(down).at("/parts/database/ready").asBoolean()).isTrue();
    assertThat(json(down).at("/parts/storage/ready").asBoolean()).isFalse();
    assertThat(json(down).at("/parts/storage/detail").asText()).contains("unavailable");
    assertThat(back.statusCode()).isEqualTo(200);
  }

  @Test
  void ready_thatDoesNotAnswerInTime_is503_andProbesShareOneHangingCheck() throws Exception {
    readinessGate = new CountDownLatch(1);
    start(null);

    HttpResponse<String> first = client.get("/ready");
    HttpResponse<String> second = client.get("/ready");

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(json(first).at("/parts/readiness/detail").asText())
        .contains("did not answer within 1 s");
    assertThat(second.statusCode()).isEqualTo(503);
    readinessGate.countDown();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> client.get("/ready").statusCode() == 200);
  }

  @Test
  void metrics_isTheRegistryScrape_asStrictPrometheusText() {
    JobMetrics jobs = JobMetrics.on(metrics.registry());
    jobs.finished(JobMetrics.Outcome.COMPLETED, Duration.ofSeconds(12));
    start(TOKEN);

    HttpResponse<String> r = client.get("/metrics", "Authorization", "Bearer " + TOKEN);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(PrometheusText.parse(r.body())
        .valueOf("scoutbot_job_duration_seconds_count", "outcome", "completed")).isEqualTo(1.0);
  }

  @Test
  void apiStatus_isTheStatusDocument_andA503WithTheReasonWhenItCannotBeRead() throws Exception {
    start(null);
    HttpResponse<String> ok = client.get("/api/status");
    WebServer.Sources failing = new WebServer.Sources(() -> {
      throw new IllegalStateException("The database at jdbc:sqlite:x does not answer");
    }, ReadinessCheck.none(), MetricsSource.none(), HistorySource.none());
    server.close();
    server = WebServer.create(new InetSocketAddress("127.0.0.1", 0), null, failing,
        WebServer.Limits.defaults());
    server.start();
    HttpResponse<String> down = new WebClient(server.url()).get("/api/status");

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(ok.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(json(ok).get("cpu_usage").asDouble()).isEqualTo(12.5);
    assertThat(json(ok).at("/queue/pending").asInt()).isEqualTo(1);
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).get("error").asText()).contains("does not answer");
  }

  @Test
  void brokenPorts_answer503WithTheReason_neverADroppedConnection() throws Exception {
    server = WebServer.create(new InetSocketAddress("127.0.0.1", 0), null,
        new WebServer.Sources(() -> Map.of("when", new Object()), () -> {
          throw new IllegalStateException("health checks broke");
        }, () -> {
          throw new IllegalStateException("registry broke");
        }, () -> {
          throw new IllegalStateException("history broke");
        }), WebServer.Limits.defaults());
    server.start();
    client = new WebClient(server.url());

    HttpResponse<String> status = client.get("/api/status");
    HttpResponse<String> history = client.get("/api/history");
    HttpResponse<String> metricsText = client.get("/metrics");
    HttpResponse<String> ready = client.get("/ready");

    assertThat(status.statusCode()).isEqualTo(503);
    assertThat(json(status).get("error").asText()).contains("cannot be written as JSON");
    assertThat(history.statusCode()).isEqualTo(503);
    assertThat(json(history).get("error").asText()).isEqualTo("history broke");
    assertThat(metricsText.statusCode()).isEqualTo(503);
    assertThat(metricsText.body()).contains("registry broke");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(json(ready).at("/parts/readiness/detail").asText()).contains("health checks broke");
  }

  @Test
  void apiHistory_isTheHistoryDocument() throws Exception {
    start(null);

    HttpResponse<String> r = client.get("/api/history");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("cpu").get(1).asDouble()).isEqualTo(4.5);
  }

  @Test
  void thePage_isServedFromTheProcess_withAStrictContentSecurityPolicy_andRevalidated() {
    start(null);

    HttpResponse<String> page = client.get("/");
    String etag = page.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = client.get("/", "If-None-Match", etag);
    HttpResponse<String> script = client.get("/static/status.js");
    HttpResponse<String> style = client.get("/static/status.css");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .contains(Endpoints.PAGE_CSP);
    assertThat(page.body()).contains("/static/status.js").doesNotContain("http://")
        .doesNotContain("https://");
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(script.headers().firstValue("Content-Type"))
        .contains("text/javascript; charset=utf-8");
    assertThat(script.body().replace("\"http://www.w3.org/2000/svg\"", ""))
        .as("the SVG namespace is a name, not a download; nothing else is fetched from elsewhere")
        .doesNotContain("http:", "https:", "//cdn", "fonts.");
    assertThat(style.body()).doesNotContain("@import", "url(http");
    assertThat(client.get("/static/../index.html").statusCode()).isIn(200, 404);
    assertThat(client.get("/static/secret.txt").statusCode()).isEqualTo(404);
  }

  @Test
  void otherMethods_get405_andHeadGetsNoBody() {
    start(null);

    HttpResponse<String> post = client.post("/api/status", "x=1");
    HttpResponse<String> head = client.head("/api/status");

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aNonLoopbackAddressWithoutAToken_refusesToStart() {
    WebServer open = WebServer.create(new InetSocketAddress("0.0.0.0", 0), "", sources(),
        WebServer.Limits.defaults());

    assertThatThrownBy(open::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without HTTP_TOKEN");
    assertThatThrownBy(() -> new HttpConfig("0.0.0.0", 8080, Secret.empty()))
        .as("the config refuses it first").isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNonLoopbackAddressWithAToken_starts() {
    server = WebServer.create(new HttpConfig("0.0.0.0", 0, Secret.of(TOKEN)), sources());
    server.start();

    assertThat(new WebClient(
        java.net.URI.create("http://127.0.0.1:" + server.address().getPort() + "/"))
        .get("/api/status").statusCode()).isEqualTo(401);
  }

  @Test
  void httpAddrOff_createsNoServer() {
    assertThatThrownBy(() -> WebServer.create(HttpConfig.off(), sources()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HTTP_ADDR=off");
  }

  @Test
  void aPortInUse_failsWithAMessageNamingTheSetting() {
    start(null);
    WebServer second = WebServer.create(server.address(), null, sources(),
        WebServer.Limits.defaults());

    assertThatThrownBy(second::start)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot listen on 127.0.0.1:" + server.address().getPort())
        .hasMessageContaining("HTTP_ADDR");
  }

  @Test
  void close_isIdempotent_andStopsListening() {
    start(null);
    java.net.URI url = server.url();

    server.close();
    server.close();

    assertThatThrownBy(() -> new WebClient(url).get("/health"))
        .isInstanceOf(UncheckedIOException.class);
  }
}
