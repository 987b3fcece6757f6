package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.config.DownloadConfig;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.testing.LocalWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSRF guard: which addresses are refused, that redirects are checked hop by hop, and that the
 * address checked is the address connected (a resolver whose answer changes cannot get through).
 *
 * <p>Everything here is on loopback, so the "public" origin server listens on 127.0.0.2 and the
 * test's policy exempts exactly that address; every other address gets the real policy.
 */
@Timeout(60)
class SsrfGuardTest {

  private static final long MIB = 1 << 20;
  private static final String ORIGIN = "127.0.0.2";

  @TempDir Path tmp;
  private LocalWebServer origin;
  private LocalWebServer loopback;
  private LocalWebServer loopback6;
  private final MemoryBudget budget = new MemoryBudget(8 * MIB, 4 * MIB);
  private final Map<String, List<InetAddress[]>> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  private Path file;
  private int job;

  /** Answers from {@link #answers} in turn (the last one repeats); the system for the rest. */
  private final HostResolver resolver = host -> {
    lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
    List<InetAddress[]> list = answers.get(host);
    if (list == null) {
      return InetAddress.getAllByName(host);
    }
    int n = lookups.get(host).get() - 1;
    return list.get(Math.min(n, list.size() - 1));
  };

  private final AddressPolicy publicOrOrigin = a -> a.getHostAddress().equals(ORIGIN)
      ? Optional.empty() : AddressPolicy.publicOnly().refusal(a);

  @BeforeEach
  void start() throws IOException {
    origin = LocalWebServer.start(InetAddress.getByName(ORIGIN));
    loopback = LocalWebServer.start(InetAddress.getByName("127.0.0.1"));
    loopback6 = LocalWebServer.start(InetAddress.getByName("::1"));
    file = Files.write(tmp.resolve("secret.txt"), "internal data\n".getBytes());
    for (LocalWebServer s : List.of(origin, loopback, loopback6)) {
      s.file("/file.txt", file, "text/plain");
    }
  }

  @AfterEach
  void stop() {
    origin.close();
    loopback.close();
    loopback6.close();
  }

  private UrlFetcher fetcher(AddressPolicy policy) {
    DownloadConfig config = DownloadConfig.of(MIB, false).withTimeouts(Duration.ofSeconds(2), 0);
    return new UrlFetcher(config, new NetGuard(resolver, policy), budget, 64 * 1024,
        YtDlp.absent("not in this test"), InstantSource.system(), System::nanoTime);
  }

  private Fetched fetch(UrlFetcher f, URI url) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("jobs/" + ++job));
    return f.fetch(new FetchRequest(job, new JobSource.Url(url), "", dir, MIB,
        new RecordingProgress()));
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  // ---- the address classes

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.255.0.9, loopback",
    "10.0.0.1, private network",
    "172.16.5.4, private network",
    "172.31.255.255, private network",
    "192.168.1.1, private network",
    "169.254.169.254, link-local",
    "100.64.0.1, carrier-grade NAT",
    "100.127.255.254, carrier-grade NAT",
    "0.0.0.0, unspecified",
    "0.1.2.3, unspecified",
    "224.0.0.251, multicast",
    "239.255.255.250, multicast",
    "255.255.255.255, broadcast",
    "240.0.0.1, reserved",
    "198.18.0.1, benchmarking",
    "192.0.0.170, reserved",
    "::1, loopback",
    "::, unspecified",
    "fc00::1, unique local",
    "fd12:3456::1, unique local",
    "fe80::1, link-local IPv6",
    "febf::1, link-local IPv6",
    "fec0::1, site-local",
    "ff02::1, multicast",
    "::ffff:7f00:1, loopback",
    "::ffff:a9fe:a9fe, link-local",
    "::10.0.0.1, IPv4-compatible",
    "64:ff9b::a00:1, NAT64",
    "64:ff9b:1::1, local-use NAT64",
    "2002:c0a8:0101::1, 6to4",
    "2001:0:4136:e378:8000:63bf:f5ff:fffe, Teredo",
    "100::1, discard-only"
  })
  void publicOnly_refusesEveryNonPublicClass_sayingWhich(String address, String why) {
    assertThat(AddressPolicy.publicOnly(Set::of).refusal(ip(address)))
        .hasValueSatisfying(r -> assertThat(r).contains(why));
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "11.0.0.1",
      "2606:4700::6810:84e5", "2002:0808:0808::1", "203.0.113.7"})
  void publicOnly_allowsPublicAddresses(String address) {
    assertThat(AddressPolicy.publicOnly(Set::of).refusal(ip(address))).isEmpty();
  }

  @Test
  void publicOnly_refusesThisHostsOwnAddresses() {
    AddressPolicy policy = AddressPolicy.publicOnly(() -> Set.of(ip("93.184.215.14")));

    assertThat(policy.refusal(ip("93.184.215.14"))).hasValue("one of this machine's own addresses");
    assertThat(AddressPolicy.publicOnly().refusal(ip("127.0.0.1"))).isPresent();
  }

  // ---- the first answer at submission

  @Test
  void screen_refusesAtOnce_whatTheFetchWouldRefuse_withTheSameMessage() {
    NetGuard guard = new NetGuard(resolver, AddressPolicy.publicOnly());
    answers.put("metadata.example", List.<InetAddress[]>of(new InetAddress[] {
        ip("169.254.169.254")}));

    assertThatThrownBy(() -> guard.screen(URI.create("http://metadata.example/latest/")))
        .isInstanceOf(ScoutFailure.class)
        .hasMessageStartingWith("cannot fetch http://metadata.example/latest/: metadata.example"
            + " (169.254.169.254) is a link-local address")
        .hasMessageContaining("DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true")
        .extracting(e -> ((ScoutFailure) e).disposition()).isEqualTo(Disposition.PERMANENT);
    assertThatThrownBy(() -> guard.screen(URI.create("ftp://example.org/f")))
        .hasMessageContaining("only http:// and https:// URLs can be fetched");
  }

  @Test
  void screen_letsThrough_publicHosts_allowedNetworks_andNamesThatDoNotResolveNow() {
    answers.put("public.example", List.<InetAddress[]>of(new InetAddress[] {ip("93.184.215.14")}));
    HostResolver failing = host -> {
      throw new java.net.UnknownHostException(host);
    };

    new NetGuard(resolver, AddressPolicy.publicOnly()).screen(
        URI.create("https://public.example/a.mp4"));
    new NetGuard(resolver, AddressPolicy.anything()).screen(URI.create("http://10.0.0.1/a.mp4"));
    new NetGuard(failing, AddressPolicy.publicOnly()).screen(
        URI.create("https://not-yet.example/a.mp4"));
    assertThat(lookups.get("public.example")).hasValue(1);
  }

  // ---- redirects, hop by hop

  @ParameterizedTest(name = "redirect to {0}")
  @ValueSource(strings = {"http://127.0.0.1:LOOP/file.txt", "http://10.0.0.1/file.txt",
      "http://169.254.169.254/latest/meta-data/", "http://[::1]:LOOP6/file.txt",
      "http://[::ffff:127.0.0.1]:LOOP/file.txt", "http://2130706433:LOOP/file.txt",
      "http://0.0.0.0:LOOP/file.txt"})
  void redirectToAPrivateAddress_isRefusedByDefault_sayingHowToAllowIt(String target)
      throws Exception {
    origin.redirect("/go", 302, target.replace("LOOP6", "" + loopback6.port())
        .replace("LOOP", "" + loopback.port()));
    try (UrlFetcher f = fetcher(publicOrOrigin)) {
      assertThatThrownBy(() -> fetch(f, origin.url("/go")))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
            assertThat(e.getMessage()).contains("are refused",
                "DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true");
          });
    }
    assertThat(loopback.requests()).isEmpty();
    assertThat(loopback6.requests()).isEmpty();
  }

  @ParameterizedTest(name = "redirect to {0}")
  @ValueSource(strings = {"http://127.0.0.1:LOOP/file.txt", "http://[::1]:LOOP6/file.txt"})
  void redirectToLoopback_isFetched_withTheSetting(String target) throws Exception {
    origin.redirect("/go", 302, target.replace("LOOP6", "" + loopback6.port())
        .replace("LOOP", "" + loopback.port()));
    try (UrlFetcher f = fetcher(AddressPolicy.anything())) {
      assertThat(fetch(f, origin.url("/go")).size()).isEqualTo(Files.size(file));
    }
  }

  @ParameterizedTest(name = "redirect to {0}")
  @ValueSource(strings = {"http://10.0.0.1:9/file.txt", "http://169.254.169.254:9/latest/"})
  void redirectToAPrivateNetwork_passesTheGuard_withTheSetting(String target) throws Exception {
    origin.redirect("/go", 302, target);
    try (UrlFetcher f = fetcher(AddressPolicy.anything())) {
      // whatever is (or is not) there answers; what matters is that the guard let it through
      try {
        fetch(f, origin.url("/go"));
      } catch (ScoutFailure e) {
        assertThat(e.getMessage()).doesNotContain("are refused");
      }
    }
    assertThat(lookups.get(URI.create(target).getHost()).get()).isEqualTo(1);
  }

  @Test
  void redirectToAHostName_isLookedUpAndCheckedAgain() throws Exception {
    answers.put("files.example", List.<InetAddress[]>of(new InetAddress[] {ip(ORIGIN)}));
    answers.put("internal.example", List.<InetAddress[]>of(new InetAddress[] {ip("127.0.0.1")}));
    origin.redirect("/go", 301, loopback.url("internal.example", "/file.txt").toString());

    try (UrlFetcher f = fetcher(publicOrOrigin)) {
      assertThatThrownBy(() -> fetch(f, origin.url("files.example", "/go")))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> assertThat(e.getMessage())
              .contains("internal.example (127.0.0.1) is a loopback address"));
    }
    assertThat(lookups.get("internal.example").get()).isEqualTo(1);
    assertThat(loopback.requests()).isEmpty();
  }

  @Test
  void aDnsAnswerThatChangesBetweenCheckAndConnect_cannotGetThrough() throws Exception {
    // a rebinding attacker: a public answer for the check, loopback for any later lookup
    answers.put("rebind.example", List.of(new InetAddress[] {ip("203.0.113.7")},
        new InetAddress[] {ip("127.0.0.1")}));
    URI url = loopback.url("rebind.example", "/file.txt");

    try (UrlFetcher f = fetcher(publicOrOrigin)) {
      // the one lookup said 203.0.113.7, so that is where the connection went (nothing of ours
      // listens there; depending on the network it fails to connect or something else answers)
      try {
        fetch(f, url);
      } catch (ScoutFailure e) {
        assertThat(e.getMessage()).doesNotContain("loopback");
      }
      assertThat(lookups.get("rebind.example").get()).isEqualTo(1);
      assertThat(loopback.requests()).isEmpty();
      // the retry looks up again, gets loopback, and is refused
      assertThatThrownBy(() -> fetch(f, url))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> assertThat(e.disposition())
              .isEqualTo(Disposition.PERMANENT));
    }
    assertThat(loopback.requests()).as("nothing ever reached loopback").isEmpty();
  }

  @Test
  void aHostWithSomeRefusedAddresses_isReachedThroughItsAllowedOnesOnly() throws Exception {
    answers.put("mixed.example", List.<InetAddress[]>of(
        new InetAddress[] {ip("127.0.0.1"), ip(ORIGIN)}));

    try (UrlFetcher f = fetcher(publicOrOrigin)) {
      assertThat(fetch(f, origin.url("mixed.example", "/file.txt")).size())
          .isEqualTo(Files.size(file));
    }
    assertThat(origin.requests("/file.txt")).hasSize(1);
    assertThat(loopback.requests()).isEmpty();
  }

  @Test
  void redirectToAnotherScheme_isRefused() throws Exception {
    origin.redirect("/go", 302, "file:///etc/passwd");

    try (UrlFetcher f = fetcher(publicOrOrigin)) {
      assertThatThrownBy(() -> fetch(f, origin.url("/go")))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
            assertThat(e.getMessage()).contains("only http:// and https://");
          });
    }
  }
}
