package io.scoutbot.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow and stuck clients cannot hold the server: an exchange that outlives its deadline loses its
 * connection and its thread goes back to serving others. The server here has ONE thread, so a
 * client that could hold it would stall every other request for as long as it liked.
 *
 * <p>The time bounds are loose on purpose: a trickling request below would take a minute to arrive,
 * so being cut within 30 s proves the deadline, however slow the machine is.
 */
@Timeout(120)
class SlowClientTest {

  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final String REQUEST =
      "GET /api/status HTTP/1.1\r\nHost: localhost\r\nX-Padding: abcdefghij\r\n\r\n";

  private final List<Socket> sockets = new ArrayList<>();
  private WebServer server;

  private void start(MetricsSource metrics) {
    server = WebServer.create(new InetSocketAddress("127.0.0.1", 0), null,
        new WebServer.Sources(() -> Map.of("ok", true), ReadinessCheck.none(), metrics,
            HistorySource.none()),
        new WebServer.Limits(1, 8, DEADLINE, Duration.ofSeconds(1)));
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(server.address(), 5000);
    s.setSoTimeout(60_000);
    return s;
  }

  /** Sends the request one byte every two seconds; completes when the server cut it off. */
  private CompletableFuture<Long> trickle(Socket s) {
    return CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      try {
        OutputStream out = s.getOutputStream();
        for (byte b : REQUEST.getBytes(StandardCharsets.US_ASCII)) {
          out.write(b);
          out.flush();
          Thread.sleep(2000);
        }
        return -1L; // the whole request went through: the server never cut it
      } catch (IOException e) {
        return System.nanoTime() - start;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1L;
      }
    }, runnable -> Thread.ofVirtual().start(runnable));
  }

  @Test
  void clientsSendingOneByteEveryTwoSeconds_areCutAtTheDeadline_andOthersGetServed()
      throws Exception {
    start(MetricsSource.none());
    CompletableFuture<Long> first = trickle(connect());
    CompletableFuture<Long> second = trickle(connect());
    WebClient client = new WebClient(server.url());

    HttpResponse<String> served = client.get("/health");

    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(first.get(60, TimeUnit.SECONDS)).as("cut while trickling").isPositive()
        .isLessThan(Duration.ofSeconds(30).toNanos());
    assertThat(second.get(60, TimeUnit.SECONDS)).as("cut while trickling").isPositive()
        .isLessThan(Duration.ofSeconds(30).toNanos());
    assertThat(server.cutExchanges()).isGreaterThanOrEqualTo(2);
    assertThat(client.get("/api/status").statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatNeverReadsItsAnswer_isCutAtTheDeadline_andOthersGetServed() throws Exception {
    // far more than the socket buffers on both sides hold, so the server's write must block
    String huge = "# TYPE big gauge\n" + "big 1\n".repeat((16 << 20) / 6);
    start(() -> huge);
    Socket stuck = connect();
    stuck.getOutputStream().write(
        "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    stuck.getOutputStream().flush();

    HttpResponse<String> served = new WebClient(server.url()).get("/health");

    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(server.cutExchanges()).isEqualTo(1);
    assertThat(drainsToTheEnd(stuck)).as("the answer stops short of its 16 MiB").isLessThan(
        huge.length());
  }

  @Test
  void aConnectionThatSendsNothing_holdsNoThread() throws Exception {
    start(MetricsSource.none());
    for (int i = 0; i < 5; i++) {
      connect(); // connected, silent: waits in the server's selector, not on a thread
    }

    HttpResponse<String> served = new WebClient(server.url()).get("/health");

    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(server.cutExchanges()).isZero();
  }

  /** Reads whatever the server sent until it closed the connection; the bytes read. */
  private static long drainsToTheEnd(Socket s) {
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try {
      InputStream in = s.getInputStream();
      for (int r; (r = in.read(buf)) > 0; ) {
        n += r;
      }
    } catch (SocketException e) {
      // reset by the server: also the end
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return n;
  }
}
