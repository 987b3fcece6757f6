package io.scoutbot.web;

import com.sun.net.httpserver.HttpServer;
import io.scoutbot.config.HttpConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of {@code serve} (HTTP_ADDR): {@code /health}, {@code /ready}, {@code /metrics},
 * {@code /api/status}, {@code /api/history} and the status page at {@code /}, on the JDK's {@link
 * HttpServer}. Built from the config and four ports the composition root wires; {@link #start()}
 * binds, {@link #close()} stops. Thread-safe.
 *
 * <h2>Dependable on a small host</h2>
 * A few threads (none while idle) run the exchanges, each under a deadline, and a short backlog
 * waits for them ({@link ExchangeExecutor}): a slow or stuck client loses its connection at the
 * deadline and never holds the server. Request heads are bounded by the JDK server, the only body
 * ever read (the sign-in form) to 4 KiB.
 *
 * <h2>Access</h2>
 * Anything but a loopback address requires HTTP_TOKEN, and the server refuses to start without it
 * whatever the config said. With a token, every path but {@code /health} answers 401 unless the
 * request carries {@code Authorization: Bearer <token>} or the cookie of the sign-in form.
 */
public final class WebServer implements AutoCloseable {

  /** What the server shows; each port has a null object for parts not wired. Immutable. */
  public record Sources(
      StatusSource status, ReadinessCheck readiness, MetricsSource metrics, HistorySource history) {
    public Sources {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(readiness, "readiness");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(history, "history");
    }
  }

  /**
   * How much the server may take. Immutable.
   *
   * @param threads exchanges handled at once
   * @param backlog exchanges waiting for a thread; beyond it new connections are closed at once
   * @param exchangeTimeout the longest one exchange (reading the request, answering it, writing the
   *     answer) may take before its connection is cut
   * @param checkTimeout the longest a request waits for the status report, the readiness check or a
   *     scrape before answering 503; shorter than {@code exchangeTimeout}
   */
  public record Limits(int threads, int backlog, Duration exchangeTimeout, Duration checkTimeout) {
    public Limits {
      if (threads < 1 || backlog < 1) {
        throw new IllegalArgumentException(
            "threads and backlog must be at least 1: " + threads + ", " + backlog);
      }
      positive("exchangeTimeout", exchangeTimeout);
      positive("checkTimeout", checkTimeout);
      if (checkTimeout.compareTo(exchangeTimeout) >= 0) {
        throw new IllegalArgumentException("checkTimeout (" + checkTimeout + ") must be shorter "
            + "than exchangeTimeout (" + exchangeTimeout + "), or a slow check loses its answer");
      }
    }

    /**
     * 4 threads, 32 waiting, 10 s per exchange, 5 s for readiness: a status page polling every few
     * seconds, a Prometheus scrape and a few probes need one thread between them.
     */
    public static Limits defaults() {
      return new Limits(4, 32, Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    private static void positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
    }
  }

  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  /** Connections the OS queues before the server accepts them. */
  private static final int ACCEPT_BACKLOG = 50;

  private final InetSocketAddress bind;
  private final BearerAuth auth;
  private final Sources sources;
  private final Limits limits;
  private HttpServer server;
  private ExchangeExecutor executor;
  private boolean closed;

  private WebServer(InetSocketAddress bind, String token, Sources sources, Limits limits) {
    this.bind = Objects.requireNonNull(bind, "bind");
    this.auth = BearerAuth.of(token);
    this.sources = Objects.requireNonNull(sources, "sources");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** A server for HTTP_ADDR and HTTP_TOKEN with the default limits; nothing is bound yet. */
  public static WebServer create(HttpConfig config, Sources sources) {
    return create(config, sources, Limits.defaults());
  }

  /** As {@link #create(HttpConfig, Sources)} with explicit limits. */
  public static WebServer create(HttpConfig config, Sources sources, Limits limits) {
    if (!config.enabled()) {
      throw new IllegalArgumentException(
          "HTTP_ADDR=off: the HTTP server is disabled, so none should be created");
    }
    return new WebServer(new InetSocketAddress(config.host(), config.port()),
        config.token().reveal(), sources, limits);
  }

  /** A server on exactly {@code bind}; {@code token} empty or null asks for none. For tests. */
  static WebServer create(InetSocketAddress bind, String token, Sources sources, Limits limits) {
    return new WebServer(bind, token, sources, limits);
  }

  /**
   * Binds and starts serving. Refuses (IllegalStateException) an address that is not loopback when
   * no token is set, and fails (UncheckedIOException) when the address cannot be used.
   */
  public synchronized void start() {
    if (closed || server != null) {
      throw new IllegalStateException("the HTTP server was already started");
    }
    if (bind.isUnresolved()) {
      throw new IllegalStateException("HTTP_ADDR: cannot resolve host " + bind.getHostString()
          + "; use an IP address such as 127.0.0.1, or HTTP_ADDR=off");
    }
    if (!bind.getAddress().isLoopbackAddress() && !auth.required()) {
      throw new IllegalStateException("Refusing to listen on " + describe(bind) + " without "
          + "HTTP_TOKEN: anyone who can reach it could read status and metrics. Set HTTP_TOKEN, or "
          + "listen on loopback (HTTP_ADDR=127.0.0.1:8080), or HTTP_ADDR=off");
    }
    ExchangeExecutor ex =
        new ExchangeExecutor(limits.threads(), limits.backlog(), limits.exchangeTimeout());
    HttpServer s;
    try {
      s = HttpServer.create(bind, ACCEPT_BACKLOG);
    } catch (IOException e) {
      ex.close();
      throw new UncheckedIOException("Cannot listen on " + describe(bind) + " (" + e.getMessage()
          + "): set HTTP_ADDR to a free address, or HTTP_ADDR=off", e);
    }
    s.createContext("/", new Endpoints(sources, auth, limits.checkTimeout(), System::nanoTime));
    s.setExecutor(ex);
    s.start();
    server = s;
    executor = ex;
    log.info("Status page on {} (also /api/status, /metrics, /health, /ready){}", url(),
        auth.required() ? "; HTTP_TOKEN required" : "");
  }

  /** The address the server listens on (the real port when HTTP_ADDR asked for port 0). */
  public synchronized InetSocketAddress address() {
    if (server == null) {
      throw new IllegalStateException("the HTTP server is not running");
    }
    return server.getAddress();
  }

  /** {@code http://host:port/}. */
  public URI url() {
    return URI.create("http://" + describe(address()) + "/");
  }

  /** Exchanges cut off at their deadline so far (slow or stuck clients). */
  synchronized long cutExchanges() {
    return executor == null ? 0 : executor.cut();
  }

  /** Stops listening, gives running exchanges a second, then cuts them. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (server == null) {
      return;
    }
    server.stop(1);
    executor.close();
    server = null;
    log.info("Status page stopped");
  }

  private static String describe(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    if (a.getAddress() instanceof Inet6Address) {
      host = "[" + host.replaceFirst("%.*$", "") + "]";
    }
    return host + ":" + a.getPort();
  }
}
