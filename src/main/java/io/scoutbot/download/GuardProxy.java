package io.scoutbot.download;

import io.scoutbot.resource.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback HTTP proxy that yt-dlp must use ({@code --proxy}), so that every connection it makes
 * (the page, then media on any CDN the page names) passes the same {@link NetGuard} as direct
 * downloads: a page cannot send yt-dlp to 169.254.169.254 or to a service on this host. It serves
 * CONNECT tunnels (https) and plain http requests in absolute form, connecting to exactly the
 * addresses the guard returned. One proxy per yt-dlp run, reachable only with its random
 * credentials; it also stops relaying once more than {@code byteLimit} bytes came back, which
 * bounds a media tool that ignores its own size limit.
 *
 * <p>Threads: one virtual thread accepts, each connection gets two (one per direction). Each
 * connection's buffers (two halves of one permit) come from the memory budget. {@link #close()}
 * closes every socket, which ends all of them. Thread-safe.
 */
final class GuardProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GuardProxy.class);

  private static final int MAX_HEAD = 64 * 1024;
  private static final String USER = "scoutbot";
  private static final Set<String> HOP_BY_HOP =
      Set.of("proxy-authorization", "proxy-connection", "connection", "keep-alive", "te",
          "trailer", "upgrade");

  private final NetGuard guard;
  private final MemoryBudget budget;
  private final Duration connectTimeout;
  private final long byteLimit;
  private final ServerSocket server;
  private final String token;
  private final String expectedAuth;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong relayed = new AtomicLong();
  private final AtomicReference<String> refusal = new AtomicReference<>();
  private volatile boolean overLimit;
  private volatile boolean closed;

  private GuardProxy(NetGuard guard, MemoryBudget budget, Duration connectTimeout,
      long byteLimit) throws IOException {
    this.guard = guard;
    this.budget = budget;
    this.connectTimeout = connectTimeout;
    this.byteLimit = byteLimit;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    this.token = HexFormat.of().formatHex(secret);
    this.expectedAuth = "Basic " + Base64.getEncoder()
        .encodeToString((USER + ":" + token).getBytes(StandardCharsets.ISO_8859_1));
    Thread.ofVirtual().name("scoutbot-ytdlp-proxy-accept").start(this::accept);
  }

  /** Starts a proxy on an ephemeral loopback port. */
  static GuardProxy start(NetGuard guard, MemoryBudget budget, Duration connectTimeout,
      long byteLimit) throws IOException {
    return new GuardProxy(guard, budget, connectTimeout, byteLimit);
  }

  /** The proxy URL, credentials included, for {@code --proxy}. Never log it. */
  String url() {
    InetAddress a = server.getInetAddress();
    String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    return "http://" + USER + ":" + token + "@" + host + ":" + server.getLocalPort();
  }

  /** The first connection the guard refused, as its message for the user. */
  Optional<String> refusal() {
    return Optional.ofNullable(refusal.get());
  }

  /** Whether relaying stopped because more than the byte limit came back. */
  boolean overLimit() {
    return overLimit;
  }

  /** Bytes relayed from servers to the client so far. */
  long relayed() {
    return relayed.get();
  }

  @Override
  public void close() {
    closed = true;
    quietly(server);
    for (Socket s : List.copyOf(sockets)) {
      quietly(s);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        if (closed) {
          quietly(client);
          return;
        }
        Thread.ofVirtual().name("scoutbot-ytdlp-proxy").start(() -> serve(client));
      } catch (IOException e) {
        if (!closed) {
          log.debug("yt-dlp proxy stopped accepting: {}", e.toString());
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket upstream = null;
    try {
      client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      List<String> head = readHead(in);
      if (head == null || head.isEmpty()) {
        return;
      }
      String[] request = head.get(0).split(" ");
      if (request.length != 3) {
        respond(out, 400, "Bad Request", "not an HTTP request");
        return;
      }
      if (!expectedAuth.equals(header(head, "proxy-authorization"))) {
        respond(out, 407, "Proxy Authentication Required", "this proxy serves one yt-dlp run");
        return;
      }
      String method = request[0].toUpperCase(Locale.ROOT);
      if (method.equals("CONNECT")) {
        URI authority = parse("//" + request[1]);
        if (authority == null || authority.getHost() == null || authority.getPort() < 0) {
          respond(out, 400, "Bad Request", "CONNECT needs host:port");
          return;
        }
        upstream = connect(authority.getHost(), authority.getPort(), out);
        if (upstream == null) {
          return;
        }
        out.write("HTTP/1.1 200 Connection established\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } else {
        URI target = parse(request[1]);
        if (target == null || !"http".equalsIgnoreCase(target.getScheme())
            || target.getHost() == null) {
          respond(out, 400, "Bad Request", "expected an absolute http:// URL");
          return;
        }
        upstream = connect(target.getHost(), target.getPort() < 0 ? 80 : target.getPort(), out);
        if (upstream == null) {
          return;
        }
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/"
            : target.getRawPath();
        StringBuilder b = new StringBuilder();
        b.append(method).append(' ').append(path)
            .append(target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
            .append(' ').append(request[2]).append("\r\n");
        for (String line : head.subList(1, head.size())) {
          int colon = line.indexOf(':');
          String name = colon < 0 ? "" : line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
          if (!HOP_BY_HOP.contains(name)) {
            b.append(line).append("\r\n");
          }
        }
        // one request per upstream connection: the next one may go to another host
        b.append("Connection: close\r\n\r\n");
        upstream.getOutputStream().write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
      }
      client.setSoTimeout(0);
      relay(client, upstream);
    } catch (IOException e) {
      log.debug("yt-dlp proxy connection ended: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      quietly(client);
      if (upstream != null) {
        quietly(upstream);
      }
    }
  }

  /** Connects to an address of {@code host} the guard allows; null after answering the client. */
  private Socket connect(String host, int port, OutputStream client) throws IOException {
    InetAddress[] addresses;
    try {
      addresses = guard.resolve(host);
    } catch (NetGuard.Refused r) {
      refusal.compareAndSet(null, r.userMessage());
      log.warn("yt-dlp was refused a connection to {}:{}: {}", host, port, r.userMessage());
      respond(client, 403, "Forbidden", r.userMessage());
      return null;
    } catch (IOException e) {
      respond(client, 502, "Bad Gateway", "cannot find the host " + host);
      return null;
    }
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket s = new Socket();
      sockets.add(s);
      try {
        s.connect(new InetSocketAddress(a, port),
            (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        s.setTcpNoDelay(true);
        return s;
      } catch (IOException e) {
        last = e;
        quietly(s);
      }
    }
    respond(client, 502, "Bad Gateway", "cannot connect to " + host + ":" + port
        + (last == null ? "" : " (" + last.getMessage() + ")"));
    return null;
  }

  /** Copies both ways until either side is done; counts what comes back. */
  private void relay(Socket client, Socket upstream) throws IOException, InterruptedException {
    try (MemoryBudget.Permit permit = budget.reserve(2 * MemoryBudget.MIN_BUFFER)) {
      byte[] buf = permit.buffer();
      int half = buf.length / 2;
      Thread up = Thread.ofVirtual().name("scoutbot-ytdlp-proxy-up").start(() -> {
        try {
          copy(client.getInputStream(), upstream.getOutputStream(), buf, 0, half, false);
          upstream.shutdownOutput();
        } catch (IOException e) {
          // the other direction ends the exchange
        }
      });
      try {
        copy(upstream.getInputStream(), client.getOutputStream(), buf, half, half, true);
      } finally {
        quietly(client);
        quietly(upstream);
        up.join();
      }
    }
  }

  private void copy(InputStream in, OutputStream out, byte[] buf, int off, int len, boolean count)
      throws IOException {
    int n;
    while ((n = in.read(buf, off, len)) >= 0) {
      if (count && relayed.addAndGet(n) > byteLimit) {
        overLimit = true;
        close();
        return;
      }
      out.write(buf, off, n);
    }
  }

  /** The request line and header lines, or null at end of stream; bounded by {@link #MAX_HEAD}. */
  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int total = 0;
    int c;
    while ((c = in.read()) >= 0) {
      if (++total > MAX_HEAD) {
        throw new IOException("request head larger than " + MAX_HEAD + " bytes");
      }
      if (c == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        if (s.endsWith("\r")) {
          s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
          return lines;
        }
        lines.add(s);
        line.reset();
      } else {
        line.write(c);
      }
    }
    return null;
  }

  private static String header(List<String> head, String name) {
    for (String line : head.subList(1, head.size())) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).strip();
      }
    }
    return null;
  }

  private static URI parse(String s) {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static void respond(OutputStream out, int code, String reason, String text)
      throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + code + " " + reason + "\r\n"
        + (code == 407 ? "Proxy-Authenticate: Basic realm=\"scoutbot\"\r\n" : "")
        + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private void quietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing is all that is left to do
    }
    if (c instanceof Socket s) {
      sockets.remove(s);
    }
  }
}
