package io.scoutbot.testing;

import static org.junit.jupiter.api.Assumptions.abort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through Debian's chromedriver (W3C WebDriver over HTTP on loopback), for
 * tests of the status page: load a URL, run a script in the page, save a screenshot. Nothing is
 * downloaded: the browser and the driver are the system's. Without them the calling test is skipped
 * with a message, unless SCOUTBOT_TEST_BROWSER_REQUIRED=true (CI), where it fails. One instance per
 * test; not thread-safe.
 */
public final class Browser implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MIN_WINDOW_WIDTH = 500;
  private static final List<String> CHROMIUM =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final List<String> DRIVER = List.of("/usr/bin/chromedriver");

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Process driver;
  private final URI base;
  private final String session;

  private Browser(Process driver, URI base, String session) {
    this.driver = driver;
    this.base = base;
    this.session = session;
  }

  /**
   * Starts chromedriver and a headless Chromium with a fresh profile under {@code profile}, showing
   * {@code width} × {@code height} CSS pixels (below 500 px wide, as an emulated phone screen).
   */
  public static Browser open(Path profile, int width, int height) throws IOException {
    String chromium = firstExisting(CHROMIUM);
    String chromedriver = firstExisting(DRIVER);
    if (chromium == null || chromedriver == null) {
      String why = "headless Chromium is not installed (apt-get install chromium chromium-driver)";
      if ("true".equals(System.getenv("SCOUTBOT_TEST_BROWSER_REQUIRED"))) {
        throw new IllegalStateException(why + ", and SCOUTBOT_TEST_BROWSER_REQUIRED=true");
      }
      abort(why + "; skipping the browser test");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(profile);
    Process p = new ProcessBuilder(chromedriver, "--port=" + port)
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromedriver.log").toFile())
        .start();
    URI base = URI.create("http://127.0.0.1:" + port + "/");
    try {
      Browser probe = new Browser(p, base, null);
      probe.awaitDriver();
      Map<String, Object> options = new java.util.LinkedHashMap<>();
      options.put("binary", chromium);
      if (width < MIN_WINDOW_WIDTH) {
        // a headless window is never narrower than 500 px: emulate the phone's screen instead
        options.put("mobileEmulation", Map.of("deviceMetrics",
            Map.of("width", width, "height", height, "pixelRatio", 1, "touch", true)));
      }
      options.put("args", List.of("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run",
              "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
              "--user-data-dir=" + profile.resolve("profile").toAbsolutePath(),
              "--window-size=" + Math.max(width, MIN_WINDOW_WIDTH) + "," + height));
      JsonNode created = probe.call("POST", "session", Map.of("capabilities",
          Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options))));
      return new Browser(p, base, created.path("sessionId").asText());
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** Loads {@code url} and returns once the page's load event fired. */
  public void navigate(URI url) throws IOException {
    call("POST", "session/" + session + "/url", Map.of("url", url.toString()));
  }

  /** Runs {@code script} (a function body; {@code return} gives the result) in the page. */
  public JsonNode run(String script) throws IOException {
    return call("POST", "session/" + session + "/execute/sync",
        Map.of("script", script, "args", List.of()));
  }

  /** Saves what the window shows as PNG. */
  public void screenshot(Path png) throws IOException {
    JsonNode v = call("GET", "session/" + session + "/screenshot", null);
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(v.asText()));
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", "session/" + session, null);
      }
    } catch (IOException | RuntimeException e) {
      // the driver's end takes the browser with it
    } finally {
      driver.destroy();
      try {
        if (!driver.waitFor(10, TimeUnit.SECONDS)) {
          driver.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        driver.destroyForcibly();
      }
    }
  }

  private void awaitDriver() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        if (call("GET", "status", null).path("ready").asBoolean()) {
          return;
        }
      } catch (IOException e) {
        if (!driver.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("chromedriver did not start: " + e.getMessage(), e);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for chromedriver", e);
      }
    }
  }

  /** One WebDriver command; its {@code value}, or an IOException carrying the driver's error. */
  private JsonNode call(String method, String path, Object body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    JsonNode answer = JSON.readTree(r.body());
    JsonNode value = answer.path("value");
    if (r.statusCode() != 200) {
      throw new IOException("WebDriver " + method + " /" + path + " -> " + r.statusCode() + ": "
          + value.path("error").asText() + ": " + value.path("message").asText());
    }
    return value;
  }

  private static String firstExisting(List<String> paths) {
    for (String p : paths) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }
}
