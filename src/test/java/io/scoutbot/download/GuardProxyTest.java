package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.testing.LocalWebServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy yt-dlp must use: it relays CONNECT tunnels and plain requests to addresses the guard
 * allows, refuses the rest with the guard's message, and serves only its own client.
 */
@Timeout(30)
class GuardProxyTest {

  private static final String ORIGIN = "127.0.0.2";

  @TempDir Path tmp;
  private LocalWebServer origin;
  private LocalWebServer loopback;
  private final MemoryBudget budget = new MemoryBudget(4 << 20, 1 << 20);
  private GuardProxy proxy;

  @BeforeEach
  void start() throws IOException {
    origin = LocalWebServer.start(InetAddress.getByName(ORIGIN));
    loopback = LocalWebServer.start();
    Path f = Files.write(tmp.resolve("clip.mp4"), new byte[100_000]);
    origin.file("/clip.mp4", f, "video/mp4");
    loopback.file("/clip.mp4", f, "video/mp4");
    AddressPolicy policy = a -> a.getHostAddress().equals(ORIGIN) ? Optional.empty()
        : AddressPolicy.publicOnly().refusal(a);
    proxy = GuardProxy.start(new NetGuard(HostResolver.system(), policy), budget,
        Duration.ofSeconds(5), 150_000);
  }

  @AfterEach
  void stop() {
    proxy.close();
    origin.close();
    loopback.close();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(budget.inUse()).isZero());
  }

  private String auth() {
    URI u = URI.create(proxy.url());
    return "Basic " + Base64.getEncoder().encodeToString(
        u.getUserInfo().getBytes(StandardCharsets.ISO_8859_1));
  }

  private String exchange(String request) throws IOException {
    URI u = URI.create(proxy.url());
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readAll(s.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void plainRequest_toAnAllowedAddress_isRelayed_withoutTheProxyCredentials() throws Exception {
    String answer = exchange("GET http://" + ORIGIN + ":" + origin.port() + "/clip.mp4 HTTP/1.1\r\n"
        + "Host: " + ORIGIN + "\r\nProxy-Authorization: " + auth() + "\r\n"
        + "Connection: keep-alive\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 200");
    var seen = origin.requests("/clip.mp4").get(0);
    assertThat(seen.header("Proxy-Authorization")).isNull();
    assertThat(seen.header("Connection")).isEqualTo("close");
    assertThat(proxy.relayed()).isGreaterThan(100_000);
  }

  @Test
  void connect_toLoopback_isRefusedWithTheGuardsMessage() throws Exception {
    String answer = exchange("CONNECT 127.0.0.1:" + loopback.port() + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nProxy-Authorization: " + auth() + "\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 403").contains("DOWNLOAD_ALLOW_PRIVATE_NETWORKS");
    assertThat(proxy.refusal()).hasValueSatisfying(m -> assertThat(m).contains("loopback"));
    assertThat(loopback.requests()).isEmpty();
  }

  @Test
  void plainRequest_toLoopback_isRefused() throws Exception {
    String answer = exchange("GET http://127.0.0.1:" + loopback.port() + "/clip.mp4 HTTP/1.1\r\n"
        + "Host: x\r\nProxy-Authorization: " + auth() + "\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 403");
    assertThat(loopback.requests()).isEmpty();
  }

  @Test
  void connect_toAnAllowedAddress_opensATunnel() throws Exception {
    URI u = URI.create(proxy.url());
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("CONNECT " + ORIGIN + ":" + origin.port() + " HTTP/1.1\r\nProxy-Authorization: "
          + auth() + "\r\n\r\n" + "GET /clip.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = readAll(s.getInputStream());

      assertThat(answer).startsWith("HTTP/1.1 200 Connection established")
          .contains("HTTP/1.1 200 OK");
    }
  }

  @Test
  void aClientWithoutTheCredentials_isTurnedAway() throws Exception {
    String answer = exchange("GET http://" + ORIGIN + ":" + origin.port() + "/clip.mp4 HTTP/1.1\r\n"
        + "Host: x\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 407");
    assertThat(origin.requests()).isEmpty();
  }

  @Test
  void relaying_stopsPastTheByteLimit() throws Exception {
    for (int i = 0; i < 2; i++) {
      try {
        exchange("GET http://" + ORIGIN + ":" + origin.port() + "/clip.mp4 HTTP/1.1\r\n"
            + "Host: x\r\nProxy-Authorization: " + auth() + "\r\n\r\n");
      } catch (IOException e) {
        // the second one is cut off
      }
    }

    assertThat(proxy.overLimit()).isTrue();
  }
}
