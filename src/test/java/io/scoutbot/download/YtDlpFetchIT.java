package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scoutbot.cleanup.JobDirs;
import io.scoutbot.config.DownloadConfig;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.testing.LocalWebServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media pages through the real yt-dlp (the Debian package), against a local server: its generic
 * extractor finds the {@code <video>} in a page, downloads through the guard's proxy, reports
 * progress, and is killed with its children when cancelled. Skipped when yt-dlp is not installed,
 * unless SCOUTBOT_TEST_YTDLP_REQUIRED=true (as {@code .ci/run} sets).
 *
 * <p>The "public" origin listens on 127.0.0.2, which the test's policy exempts; everything else on
 * loopback stays refused, so the guard is on for every test here.
 */
@Timeout(120)
class YtDlpFetchIT {

  private static final long MIB = 1 << 20;
  private static final String ORIGIN = "127.0.0.2";
  private static YtDlp ytDlp;

  @TempDir Path tmp;
  private LocalWebServer origin;
  private LocalWebServer loopback;
  private final MemoryBudget budget = new MemoryBudget(16 * MIB, 8 * MIB);
  private final Map<String, InetAddress> names = new java.util.concurrent.ConcurrentHashMap<>();
  private JobDirs dirs;
  private UrlFetcher fetcher;
  private byte[] clip;

  @BeforeAll
  static void findYtDlp() {
    ytDlp = YtDlp.detect(DownloadConfig.of(MIB, false), System.getenv());
    boolean required = "true".equals(System.getenv("SCOUTBOT_TEST_YTDLP_REQUIRED"));
    if (required) {
      assertThat(ytDlp.status().found()).as("yt-dlp: " + ytDlp.status().detail()).isTrue();
    }
    assumeTrue(ytDlp.status().found(), "yt-dlp is not installed: " + ytDlp.status().detail());
  }

  @BeforeEach
  void start() throws IOException {
    origin = LocalWebServer.start(InetAddress.getByName(ORIGIN));
    loopback = LocalWebServer.start();
    clip = new byte[(int) (3 * MIB + 11)];
    new Random(7).nextBytes(clip);
    Path clipFile = Files.write(tmp.resolve("clip.bin"), clip);
    origin.file("/clip.mp4", clipFile, "video/mp4");
    loopback.file("/clip.mp4", clipFile, "video/mp4");
    origin.html("/page.html", "<html><head><title>My Clip</title></head><body>"
        + "<video src=\"/clip.mp4\" controls></video></body></html>");
    dirs = new JobDirs(tmp.resolve("temp/jobs"));
    HostResolver resolver = host -> names.containsKey(host) ? new InetAddress[] {names.get(host)}
        : InetAddress.getAllByName(host);
    AddressPolicy policy = a -> a.getHostAddress().equals(ORIGIN) ? Optional.empty()
        : AddressPolicy.publicOnly().refusal(a);
    DownloadConfig config = DownloadConfig.of(100 * MIB, false)
        .withTimeouts(Duration.ofSeconds(10), 0)
        .withYtDlp(true, ytDlp.path(), Duration.ofSeconds(60));
    config = new DownloadConfig(config.maxBytes(), false, config.timeout(), 0, true,
        ytDlp.path(), config.ytDlpTimeout(), List.of("media.example"));
    fetcher = new UrlFetcher(config, new NetGuard(resolver, policy), budget, 256 * 1024, ytDlp,
        InstantSource.system(), System::nanoTime);
  }

  @AfterEach
  void stop() {
    fetcher.close();
    origin.close();
    loopback.close();
  }

  private FetchRequest request(long job, URI url, long cap, RecordingProgress progress) {
    return new FetchRequest(job, new JobSource.Url(url), "", dirs.open(job), cap, progress);
  }

  @Test
  void aPageWithAVideo_isFetchedThroughYtDlp_withProgress() throws Exception {
    RecordingProgress progress = new RecordingProgress();

    Fetched f = fetcher.fetch(request(1, origin.url("/page.html"), 100 * MIB, progress));

    assertThat(f.name()).startsWith("My Clip").endsWith(".mp4");
    assertThat(f.file()).startsWith(dirs.of(1));
    assertThat(Files.readAllBytes(f.file())).isEqualTo(clip);
    assertThat(progress.bytes.get()).isEqualTo(clip.length);
    assertThat(progress.expected).contains((long) clip.length);
    assertThat(progress.calls.get()).isGreaterThan(1);
    // our one direct request found the page; everything after it came from yt-dlp
    assertThat(origin.requests("/page.html").get(0).header("User-Agent")).isEqualTo("ScoutBot");
    assertThat(origin.requests("/clip.mp4")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("User-Agent")).isNotEqualTo("ScoutBot"));
  }

  @Test
  void aMediaSite_goesStraightToYtDlp() throws Exception {
    names.put("media.example", InetAddress.getByName(ORIGIN));

    Fetched f = fetcher.fetch(request(2, origin.url("media.example", "/clip.mp4"), 100 * MIB,
        new RecordingProgress()));

    assertThat(Files.readAllBytes(f.file())).isEqualTo(clip);
    assertThat(origin.requests()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("User-Agent")).isNotEqualTo("ScoutBot"));
  }

  @Test
  void aPageSendingYtDlpToLoopback_isRefusedByTheGuard() {
    origin.html("/evil.html", "<html><title>x</title><video src=\"http://127.0.0.1:"
        + loopback.port() + "/clip.mp4\"></video></html>");

    assertThatThrownBy(() -> fetcher.fetch(request(3, origin.url("/evil.html"), 100 * MIB,
        new RecordingProgress())))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("loopback", "DOWNLOAD_ALLOW_PRIVATE_NETWORKS");
        });
    assertThat(loopback.requests()).isEmpty();
  }

  @Test
  void mediaAboveTheCap_isRefused_andNothingKept() throws Exception {
    assertThatThrownBy(() -> fetcher.fetch(request(4, origin.url("/page.html"), MIB,
        new RecordingProgress())))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("DOWNLOAD_MAX_MB");
        });
    try (Stream<Path> files = Files.list(dirs.of(4).resolve(WorkFiles.MEDIA_DIR))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aPageWithoutMedia_failsForGood() {
    origin.html("/empty.html", "<html><title>nothing</title><p>hello</p></html>");

    assertThatThrownBy(() -> fetcher.fetch(request(5, origin.url("/empty.html"), MIB,
        new RecordingProgress())))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("found no media");
        });
  }

  @Test
  void cancellingMidway_killsYtDlpWithItsChildren_andLeavesNothingOnceTheJobEnds()
      throws Exception {
    // 40 MiB at about 1.3 MiB/s: long enough to be cancelled in the middle
    origin.route("/slow.mp4", ex -> {
      long total = 40 * MIB;
      ex.getResponseHeaders().set("Content-Type", "video/mp4");
      ex.sendResponseHeaders(200, total);
      byte[] block = new byte[64 * 1024];
      try (OutputStream out = ex.getResponseBody()) {
        for (long sent = 0; sent < total; sent += block.length) {
          out.write(block);
          out.flush();
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // yt-dlp was killed
      }
    });
    origin.html("/slow.html", "<html><title>Slow</title><video src=\"/slow.mp4\"></video></html>");
    RecordingProgress progress = new RecordingProgress();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread worker = Thread.ofPlatform().name("fetch-worker").start(() -> {
      try {
        fetcher.fetch(request(6, origin.url("/slow.html"), 100 * MIB, progress));
        outcome.complete(null);
      } catch (Throwable t) {
        outcome.complete(t);
      }
    });
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> progress.bytes.get() > MIB);
    assertThat(ProcessHandle.current().descendants()).as("yt-dlp runs").isNotEmpty();

    worker.interrupt();

    assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
        .as("no child process left").isEmpty();
    assertThat(progress.bytes.get()).isLessThan(40 * MIB);
    // the job is cancelled: the runner releases its directory, and nothing else was written
    dirs.release(6);
    try (Stream<Path> left = Files.walk(tmp.resolve("temp"))) {
      assertThat(left.filter(Files::isRegularFile)).as("no temp file left").isEmpty();
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("clip.bin", "temp");
    }
  }
}
