package io.scoutbot.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server (the JDK's) that plays the web for fetch tests, following HTTP/1.1 to the
 * letter where it matters to a client: files with Content-Length, ETag, Last-Modified and
 * {@code Accept-Ranges}, honouring {@code Range} and {@code If-Range} (206 with Content-Range, 416
 * past the end, the whole file when If-Range no longer matches); redirects to any URL; plain-text
 * errors with the headers a test gives (Retry-After). And the misbehaviours: a body that never
 * ends behind a false Content-Length, a connection dropped mid-body, a trickle of one byte every
 * so often. Every request is recorded with its headers. Thread-safe; each request runs on its own
 * thread, so a trickling response does not hold up others.
 */
public final class LocalWebServer implements AutoCloseable {

  /** One request as the server saw it. */
  public record Request(String method, String path, Headers headers) {
    public String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** What a route does with an exchange. */
  @FunctionalInterface
  public interface Route {
    void handle(HttpExchange exchange) throws IOException;
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "local-web-server");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private LocalWebServer(InetAddress bind) throws IOException {
    server = HttpServer.create(new InetSocketAddress(bind, 0), 50);
    server.setExecutor(threads);
    server.createContext("/", this::dispatch);
    server.start();
  }

  /** A server on 127.0.0.1. */
  public static LocalWebServer start() throws IOException {
    return start(InetAddress.getByName("127.0.0.1"));
  }

  /** A server on {@code bind} (another loopback address such as 127.0.0.2 or ::1). */
  public static LocalWebServer start(InetAddress bind) throws IOException {
    return new LocalWebServer(bind);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://<address>:<port><path>}, an IPv6 address in brackets. */
  public URI url(String path) {
    String host = server.getAddress().getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + path);
  }

  /** {@link #url} with another host name (resolved by a test's resolver seam). */
  public URI url(String host, String path) {
    return URI.create("http://" + host + ":" + port() + path);
  }

  /** Every request to {@code path} so far, oldest first. */
  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Every request so far. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public LocalWebServer route(String path, Route route) {
    routes.put(path, route);
    return this;
  }

  /**
   * Serves {@code file} as a resource that supports ranges: a strong ETag from its size and
   * modification time, Last-Modified, and Range/If-Range as RFC 9110 says.
   */
  public LocalWebServer file(String path, Path file, String contentType) {
    return file(path, file, contentType, true, null);
  }

  /**
   * Serves {@code file}; without {@code ranges} it has no validator and ignores Range, as many
   * servers do. {@code disposition} is sent as Content-Disposition when not null.
   */
  public LocalWebServer file(String path, Path file, String contentType, boolean ranges,
      String disposition) {
    return route(path, ex -> serveFile(ex, file, contentType, ranges, disposition, -1));
  }

  /**
   * Like {@link #file} but the first {@code drops} responses close the connection after {@code
   * after} bytes of their body (a reset mid-transfer).
   */
  public LocalWebServer droppingFile(String path, Path file, String contentType, boolean ranges,
      long after, int drops) {
    AtomicInteger left = new AtomicInteger(drops);
    return route(path, ex -> serveFile(ex, file, contentType, ranges, null,
        left.getAndDecrement() > 0 ? after : -1));
  }

  /**
   * A body that never ends: chunked, with a false {@code Content-Length} header as well when
   * {@code claimedLength} is not null (a server lying about the size).
   */
  public LocalWebServer endless(String path, String contentType, String claimedLength) {
    return route(path, ex -> {
      if (claimedLength != null) {
        ex.getResponseHeaders().set("Content-Length", claimedLength);
      }
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.sendResponseHeaders(200, 0);
      byte[] chunk = new byte[64 * 1024];
      try (OutputStream out = ex.getResponseBody()) {
        while (true) {
          out.write(chunk);
        }
      } catch (IOException e) {
        // the client hung up, as it should
      }
    });
  }

  /** Answers {@code code} with {@code Location: location}. */
  public LocalWebServer redirect(String path, int code, String location) {
    return route(path, ex -> {
      ex.getResponseHeaders().set("Location", location);
      ex.sendResponseHeaders(code, -1);
      ex.close();
    });
  }

  /** Sends {@code total} bytes, one every {@code every}, after announcing them all. */
  public LocalWebServer trickle(String path, long total, Duration every) {
    return route(path, ex -> {
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, total);
      try (OutputStream out = ex.getResponseBody()) {
        for (long i = 0; i < total; i++) {
          out.write('x');
          out.flush();
          Thread.sleep(every);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client gave up on us
      }
    });
  }

  /** An HTML page. */
  public LocalWebServer html(String path, String html) {
    return text(path, 200, "text/html; charset=utf-8", html, Map.of());
  }

  /** A plain-text answer with {@code code} and extra headers. */
  public LocalWebServer status(String path, int code, String text, Map<String, String> headers) {
    return text(path, code, "text/plain; charset=utf-8", text, headers);
  }

  private LocalWebServer text(String path, int code, String type, String text,
      Map<String, String> headers) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    return route(path, ex -> {
      headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
  }

  private void dispatch(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    requests.add(new Request(ex.getRequestMethod(), path, copy(ex.getRequestHeaders())));
    try (InputStream in = ex.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    Route r = routes.get(path);
    if (r == null) {
      byte[] body = "not found\n".getBytes(StandardCharsets.US_ASCII);
      ex.sendResponseHeaders(404, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    r.handle(ex);
  }

  private static void serveFile(HttpExchange ex, Path file, String type, boolean ranges,
      String disposition, long dropAfter) throws IOException {
    long size = Files.size(file);
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", type);
    String etag = "\"" + Long.toHexString(size) + "-"
        + Long.toHexString(Files.getLastModifiedTime(file).toMillis()) + "\"";
    if (disposition != null) {
      h.set("Content-Disposition", disposition);
    }
    long start = 0;
    long end = size - 1;
    int code = 200;
    if (ranges) {
      h.set("Accept-Ranges", "bytes");
      h.set("ETag", etag);
      h.set("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
      String range = ex.getRequestHeaders().getFirst("Range");
      String ifRange = ex.getRequestHeaders().getFirst("If-Range");
      Matcher m = range == null ? null : RANGE.matcher(range);
      if (m != null && m.matches() && (ifRange == null || ifRange.equals(etag))) {
        start = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) {
          end = Math.min(end, Long.parseLong(m.group(2)));
        }
        if (start >= size) {
          h.set("Content-Range", "bytes */" + size);
          ex.sendResponseHeaders(416, -1);
          ex.close();
          return;
        }
        code = 206;
        h.set("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
    }
    long length = end - start + 1;
    ex.sendResponseHeaders(code, length == 0 ? -1 : length);
    if (length == 0) {
      ex.close();
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(start);
      OutputStream out = ex.getResponseBody();
      byte[] buf = new byte[64 * 1024];
      long left = length;
      long sent = 0;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        if (dropAfter >= 0 && sent + n > dropAfter) {
          out.write(buf, 0, (int) (dropAfter - sent));
          out.flush();
          // a handler that throws makes the JDK server close the connection: a reset mid-body
          throw new IOException("dropping the connection after " + dropAfter + " bytes");
        }
        out.write(buf, 0, n);
        sent += n;
        left -= n;
      }
      out.close();
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("dropping")) {
        throw e;
      }
      // the client went away
    }
  }

  private static Headers copy(Headers in) {
    Headers out = new Headers();
    in.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
