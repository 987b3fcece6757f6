package io.scoutbot.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the server, behind one handler so that the token check and the answers to unknown
 * paths and methods live in one place. Thread-safe; one instance serves all exchanges.
 *
 * <p>Routes: {@code /health} (open to all), {@code /ready}, {@code /metrics}, {@code /api/status},
 * {@code /api/history}, {@code /} and {@code /static/*} (the status page), {@code /login} (the form
 * that lets a browser in when HTTP_TOKEN is set). GET and HEAD only, except the form's POST.
 */
final class Endpoints implements HttpHandler {

  static final String PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";
  private static final String LOGIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; "
      + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String HTML = "text/html; charset=utf-8";
  /** The login form's body: a token and its field name, never more. */
  private static final int MAX_FORM_BYTES = 4096;
  private static final List<String> ASSETS =
      List.of("index.html", "status.css", "status.js", "favicon.svg");

  private static final Logger log = LoggerFactory.getLogger(Endpoints.class);

  /** Several open status pages share one status report per second. */
  static final Duration STATUS_REUSE = Duration.ofSeconds(1);

  private final WebServer.Sources sources;
  private final BearerAuth auth;
  private final Duration checkTimeout;
  private final StaticFiles files = StaticFiles.load(ASSETS.toArray(String[]::new));
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, AtomicBoolean> failing =
      Map.of("status", new AtomicBoolean(), "history", new AtomicBoolean());
  private final Coalesced<Map<String, Object>> status;
  private final Coalesced<Readiness> readiness;
  private final Coalesced<String> metrics;

  /**
   * @param checkTimeout the longest a request waits for the status report, the readiness check or
   *     a scrape (they may ask the database); shorter than the exchange deadline, so the waiting
   *     request still gets its 503
   * @param ticker monotonic nanoseconds, for reusing the status report
   */
  Endpoints(WebServer.Sources sources, BearerAuth auth, Duration checkTimeout,
      LongSupplier ticker) {
    this.sources = sources;
    this.auth = auth;
    this.checkTimeout = checkTimeout;
    this.status = new Coalesced<>("status", () -> sources.status().status(), STATUS_REUSE, ticker);
    this.readiness = new Coalesced<>("readiness", () -> sources.readiness().check(),
        Duration.ZERO, ticker);
    this.metrics = new Coalesced<>("metrics", () -> sources.metrics().scrape(), Duration.ZERO,
        ticker);
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      Headers h = ex.getResponseHeaders();
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("X-Frame-Options", "DENY");
      h.set("Cache-Control", "no-store");
      int status;
      try {
        status = route(ex, path == null ? "/" : path, method);
      } catch (RuntimeException e) {
        // a bug or a broken port: answer it rather than drop the connection without a word
        log.warn("{} {} failed ({}); answered 500", method, path, e.toString());
        if (ex.getResponseCode() != -1) {
          throw e;
        }
        status = send(ex, 500, TEXT, text("Internal error: " + e.getMessage() + "\n"), false);
      }
      log.debug("{} {} -> {}", method, path, status);
    }
  }

  private int route(HttpExchange ex, String path, String method) throws IOException {
    boolean head = method.equals("HEAD");
    boolean read = head || method.equals("GET");
    if (path.equals("/login")) {
      return login(ex, method);
    }
    if (!path.equals("/health") && !auth.allows(ex.getRequestHeaders().get("Authorization"),
        ex.getRequestHeaders().get("Cookie"))) {
      return unauthorized(ex, path, head);
    }
    if (!read) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      return send(ex, 405, TEXT, text(method + " is not allowed here; use GET\n"), false);
    }
    return switch (path) {
      case "/health" -> send(ex, 200, JSON, text("{\"status\":\"ok\"}"), head);
      case "/ready" -> ready(ex, head);
      case "/metrics" -> metrics(ex, head);
      case "/api/status" -> document(ex, head, "status", () -> await(status, "status report"));
      case "/api/history" -> document(ex, head, "history", () -> sources.history().history());
      case "/", "/index.html" -> asset(ex, "index.html", head);
      default -> path.startsWith("/static/") ? asset(ex, path.substring(8), head)
          : send(ex, 404, TEXT, text("Not found. The status page is at /, the API at "
              + "/api/status, metrics at /metrics.\n"), head);
    };
  }

  private int ready(HttpExchange ex, boolean head) throws IOException {
    Readiness r;
    try {
      r = await(readiness, "readiness checks");
    } catch (RuntimeException e) {
      r = new Readiness(List.of(new Readiness.Part("readiness", false, e.getMessage())));
    }
    return send(ex, r.ready() ? 200 : 503, JSON, toJson(r.toMap()), head);
  }

  private int metrics(HttpExchange ex, boolean head) throws IOException {
    String text;
    try {
      text = await(metrics, "metrics");
    } catch (RuntimeException e) {
      log.warn("Metrics could not be gathered ({}); /metrics answers 503", e.getMessage());
      return send(ex, 503, TEXT, text("metrics unavailable: " + e.getMessage() + "\n"), head);
    }
    return send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", text(text), head);
  }

  /**
   * The port's answer, waited for at most {@link #checkTimeout}; otherwise an exception whose
   * message says what happened (the port's own message when it failed).
   */
  private <T> T await(Coalesced<T> port, String what) {
    try {
      return port.get(checkTimeout);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the " + what + " did not answer within "
          + checkTimeout.toSeconds() + " s (database or storage hanging?)", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r
          : new IllegalStateException(String.valueOf(cause.getMessage()), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the server is stopping", e);
    }
  }

  @FunctionalInterface
  private interface Document {
    Map<String, Object> get();
  }

  private int document(HttpExchange ex, boolean head, String what, Document doc)
      throws IOException {
    byte[] value;
    try {
      value = toJson(doc.get());
      if (failing.get(what).compareAndSet(true, false)) {
        log.info("The {} for the status page can be read again", what);
      }
    } catch (RuntimeException e) {
      if (failing.get(what).compareAndSet(false, true)) {
        log.warn("The {} for the status page cannot be read ({}); /api/{} answers 503 until it "
            + "can", what, e.getMessage(), what);
      }
      return send(ex, 503, JSON, toJson(Map.of("error", String.valueOf(e.getMessage()))), head);
    }
    return send(ex, 200, JSON, value, head);
  }

  private int asset(HttpExchange ex, String name, boolean head) throws IOException {
    StaticFiles.Asset a = files.get(name).orElse(null);
    if (a == null) {
      return send(ex, 404, TEXT, text("Not found.\n"), head);
    }
    Headers h = ex.getResponseHeaders();
    h.set("ETag", a.etag());
    h.set("Cache-Control", "no-cache");
    if (a.type().startsWith("text/html")) {
      h.set("Content-Security-Policy", PAGE_CSP);
    }
    if (a.etag().equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
      ex.sendResponseHeaders(304, -1);
      return 304;
    }
    return send(ex, 200, a.type(), a.body(), head);
  }

  private int unauthorized(HttpExchange ex, String path, boolean head) throws IOException {
    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"scoutbot\"");
    String accept = ex.getRequestHeaders().getFirst("Accept");
    if ((path.equals("/") || path.equals("/index.html")) && accept != null
        && accept.contains("text/html")) {
      return loginPage(ex, 401, "", head);
    }
    return send(ex, 401, TEXT, text("This ScoutBot asks for its HTTP_TOKEN: send the header "
        + "'Authorization: Bearer <token>' (browsers: sign in at /login).\n"), head);
  }

  private int login(HttpExchange ex, String method) throws IOException {
    if (!auth.required()) {
      ex.getResponseHeaders().set("Location", "/");
      return send(ex, 303, TEXT, new byte[0], false);
    }
    if (method.equals("GET") || method.equals("HEAD")) {
      return loginPage(ex, 200, "", method.equals("HEAD"));
    }
    if (!method.equals("POST")) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD, POST");
      return send(ex, 405, TEXT, text(method + " is not allowed here\n"), false);
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_FORM_BYTES + 1);
    }
    if (body.length > MAX_FORM_BYTES) {
      ex.getResponseHeaders().set("Connection", "close");
      return send(ex, 413, TEXT, text("The form is larger than " + MAX_FORM_BYTES + " bytes\n"),
          false);
    }
    String token = formField(new String(body, StandardCharsets.UTF_8), "token");
    if (token == null || !auth.matches(token)) {
      log.warn("A sign-in to the status page from {} was refused: wrong token",
          ex.getRemoteAddress().getAddress().getHostAddress());
      return loginPage(ex, 401, "That is not this server's HTTP_TOKEN.", false);
    }
    ex.getResponseHeaders().add("Set-Cookie", auth.sessionCookie());
    ex.getResponseHeaders().set("Location", "/");
    return send(ex, 303, TEXT, new byte[0], false);
  }

  private static String formField(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        try {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static int loginPage(HttpExchange ex, int status, String problem, boolean head)
      throws IOException {
    ex.getResponseHeaders().set("Content-Security-Policy", LOGIN_CSP);
    String page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ScoutBot: sign in</title>
        <style>
        body{font:16px/1.4 system-ui,sans-serif;margin:0;display:grid;place-items:center;
        min-height:100vh;background:#f4f5f7;color:#1d2330}
        form{background:#fff;padding:1.5rem;border-radius:8px;box-shadow:0 1px 4px #0002;
        width:min(22rem,90vw)}
        input,button{font:inherit;width:100%%;box-sizing:border-box;padding:.5rem;margin:.4rem 0}
        .problem{color:#b3261e}
        </style></head><body>
        <form method="post" action="/login">
        <h1>ScoutBot status</h1>
        <p>This server asks for its <code>HTTP_TOKEN</code>.</p>
        <p class="problem">%s</p>
        <label>Token <input name="token" type="password" autocomplete="current-password"
        autofocus required></label>
        <button type="submit">Sign in</button>
        </form></body></html>
        """.formatted(problem);
    return send(ex, status, HTML, text(page), head);
  }

  private byte[] toJson(Object value) {
    try {
      return json.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the document cannot be written as JSON: " + e.getMessage(),
          e);
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int send(HttpExchange ex, int status, String type, byte[] body, boolean head)
      throws IOException {
    if (body.length > 0 || head) {
      ex.getResponseHeaders().set("Content-Type", type);
    }
    if (head || body.length == 0) {
      ex.sendResponseHeaders(status, -1);
      return status;
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
    return status;
  }
}
