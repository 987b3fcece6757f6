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
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Direct downloads against a local server: bytes, names, cap, resume, redirects, failures. */
@Timeout(60)
class UrlFetcherTest {

  private static final long MIB = 1 << 20;
  private static final int CHUNK = 256 * 1024;

  @TempDir Path tmp;
  private LocalWebServer web;
  private final MemoryBudget budget = new MemoryBudget(16 * MIB, 8 * MIB);
  private UrlFetcher fetcher;
  private Path jobDir;

  @BeforeEach
  void start() throws IOException {
    web = LocalWebServer.start();
    jobDir = Files.createDirectories(tmp.resolve("jobs/1"));
    fetcher = fetcher(DownloadConfig.of(100 * MIB, true).withTimeouts(Duration.ofSeconds(5), 0));
  }

  @AfterEach
  void stop() {
    fetcher.close();
    web.close();
    assertThat(budget.inUse()).as("every buffer went back to the budget").isZero();
  }

  private UrlFetcher fetcher(DownloadConfig config) {
    return new UrlFetcher(config, new NetGuard(HostResolver.system(), AddressPolicy.anything()),
        budget, CHUNK, YtDlp.absent("not in this test"), InstantSource.system(),
        System::nanoTime);
  }

  private FetchRequest request(URI url, long cap, RecordingProgress progress) {
    return new FetchRequest(1, new JobSource.Url(url), "", jobDir, cap, progress);
  }

  /** The next fetch is another job's, in a directory of its own. */
  private void newJob() throws IOException {
    jobDir = Files.createDirectories(tmp.resolve("jobs/" + System.nanoTime()));
  }

  private Path randomFile(String name, long size) throws IOException {
    Path f = tmp.resolve(name);
    byte[] b = new byte[(int) size];
    new Random(size).nextBytes(b);
    return Files.write(f, b);
  }

  private static String sha256(Path f) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(f)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private long filesInJobDir() throws IOException {
    try (Stream<Path> s = Files.walk(jobDir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void fetch_streamsTheFileIntoTheJobDirectory_withProgress() throws Exception {
    Path src = randomFile("src.bin", 3 * MIB + 17);
    web.file("/files/report.pdf", src, "application/pdf");
    RecordingProgress progress = new RecordingProgress();

    Fetched f = fetcher.fetch(request(web.url("/files/report.pdf"), 100 * MIB, progress));

    assertThat(f.file()).startsWith(jobDir);
    assertThat(f.name()).isEqualTo("report.pdf");
    assertThat(f.size()).isEqualTo(3 * MIB + 17);
    assertThat(f.mimeType()).isEqualTo("application/pdf");
    assertThat(sha256(f.file())).isEqualTo(sha256(src));
    assertThat(progress.bytes.get()).isEqualTo(3 * MIB + 17);
    assertThat(progress.expected).containsExactly(3 * MIB + 17);
    assertThat(progress.calls.get()).as("one call per chunk").isGreaterThan(10);
    assertThat(budget.peak()).as("one buffer").isLessThanOrEqualTo(CHUNK);
  }

  @Test
  void fetch_takesTheNameFromContentDisposition_rfc5987First() throws Exception {
    Path src = randomFile("src.bin", 1000);
    web.file("/dl", src, "application/octet-stream", true,
        "attachment; filename=\"fallback.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20final.pdf");

    Fetched f = fetcher.fetch(request(web.url("/dl"), MIB, new RecordingProgress()));

    assertThat(f.name()).isEqualTo("résumé final.pdf");
  }

  @Test
  void fetch_namesByTheLastPathSegment_thenTheContentType_sanitised() throws Exception {
    Path src = randomFile("src.bin", 1000);
    web.file("/media/12345", src, "video/mp4");
    web.file("/a/..%5C..%5Cevil%3Aname.txt", src, "text/plain");

    assertThat(fetcher.fetch(request(web.url("/media/12345"), MIB, new RecordingProgress()))
        .name()).isEqualTo("12345.mp4");
    newJob();
    assertThat(fetcher.fetch(request(web.url("/a/..%5C..%5Cevil%3Aname.txt"), MIB,
        new RecordingProgress())).name()).isEqualTo("evil_name.txt");
  }

  @Test
  void fetch_refusesAnAnnouncedSizeAboveTheCap_beforeReadingTheBody() throws Exception {
    Path big = tmp.resolve("big.bin");
    try (var raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      raf.setLength(2L << 30);
    }
    web.file("/big.bin", big, "application/octet-stream");
    RecordingProgress progress = new RecordingProgress();

    assertThatThrownBy(() -> fetcher.fetch(request(web.url("/big.bin"), 10 * MIB, progress)))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("the file is 2147483648 bytes",
              "more than the 10 MiB allowed (DOWNLOAD_MAX_MB)");
        });
    assertThat(progress.bytes.get()).isZero();
    assertThat(filesInJobDir()).isZero();
  }

  @Test
  void fetch_cutsALyingServerAtTheCap_writingNothingPastIt() throws Exception {
    web.endless("/endless", "application/octet-stream", "1000");
    long cap = 3 * MIB + 5;
    AtomicLong largestPart = new AtomicLong();
    RecordingProgress progress = new RecordingProgress(total -> {
      try {
        largestPart.accumulateAndGet(Files.size(jobDir.resolve(WorkFiles.PART)), Math::max);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });

    assertThatThrownBy(() -> fetcher.fetch(request(web.url("/endless"), cap, progress)))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("the server sent more",
              "allowed (DOWNLOAD_MAX_MB); nothing was kept");
        });
    assertThat(largestPart.get()).isEqualTo(cap);
    assertThat(progress.bytes.get()).isEqualTo(cap);
    assertThat(filesInJobDir()).as("the partial file was removed").isZero();
  }

  @Test
  void fetch_resumesADroppedConnection_withRangeAndIfRange_toIdenticalBytes() throws Exception {
    Path src = randomFile("src.bin", 5 * MIB + 3);
    web.droppingFile("/video.mp4", src, "video/mp4", true, 2 * MIB, 1);
    RecordingProgress first = new RecordingProgress();

    assertThatThrownBy(() -> fetcher.fetch(request(web.url("/video.mp4"), 100 * MIB, first)))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.RETRY);
          assertThat(e.getMessage()).contains("the connection dropped after",
              "the next attempt resumes from there");
        });
    long kept = Files.size(jobDir.resolve(WorkFiles.PART));
    assertThat(kept).isPositive().isLessThanOrEqualTo(2 * MIB);

    RecordingProgress second = new RecordingProgress();
    Fetched f = fetcher.fetch(request(web.url("/video.mp4"), 100 * MIB, second));

    var resumed = web.requests("/video.mp4").get(1);
    assertThat(resumed.header("Range")).isEqualTo("bytes=" + kept + "-");
    assertThat(resumed.header("If-Range")).startsWith("\"");
    assertThat(second.restarts).containsExactly(kept);
    assertThat(second.bytes.get()).isEqualTo(5 * MIB + 3);
    assertThat(sha256(f.file())).isEqualTo(sha256(src));
    assertThat(jobDir.resolve(WorkFiles.PART)).doesNotExist();
  }

  @Test
  void fetch_startsOver_whenTheServerCannotResume() throws Exception {
    Path src = randomFile("src.bin", 3 * MIB);
    web.droppingFile("/plain.bin", src, "application/octet-stream", false, MIB, 1);

    assertThatThrownBy(() -> fetcher.fetch(request(web.url("/plain.bin"), 100 * MIB,
        new RecordingProgress())))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> assertThat(e.getMessage())
            .contains("the server cannot resume, so the next attempt starts over"));
    assertThat(jobDir.resolve(WorkFiles.PART)).as("useless without a validator").doesNotExist();

    Fetched f = fetcher.fetch(request(web.url("/plain.bin"), 100 * MIB, new RecordingProgress()));

    assertThat(web.requests("/plain.bin").get(1).header("Range")).isNull();
    assertThat(sha256(f.file())).isEqualTo(sha256(src));
  }

  @Test
  void fetch_startsOver_whenTheFileChangedBetweenAttempts() throws Exception {
    Path src = randomFile("src.bin", 3 * MIB);
    web.droppingFile("/changing.bin", src, "application/octet-stream", true, MIB, 1);
    assertThatThrownBy(() -> fetcher.fetch(request(web.url("/changing.bin"), 100 * MIB,
        new RecordingProgress()))).isInstanceOf(ScoutFailure.class);
    byte[] changed = new byte[(int) (4 * MIB)];
    new Random(99).nextBytes(changed);
    Files.write(src, changed);
    Files.setLastModifiedTime(src, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    RecordingProgress progress = new RecordingProgress();

    Fetched f = fetcher.fetch(request(web.url("/changing.bin"), 100 * MIB, progress));

    assertThat(web.requests("/changing.bin").get(1).header("If-Range")).isNotNull();
    assertThat(progress.restarts).containsExactly(0L);
    assertThat(sha256(f.file())).isEqualTo(sha256(src));
  }

  @Test
  void fetch_followsRedirects_upToTen() throws Exception {
    Path src = randomFile("src.bin", 1000);
    web.file("/final.bin", src, "application/octet-stream");
    for (int i = 0; i < 11; i++) {
      web.redirect("/r" + i, i % 2 == 0 ? 302 : 307, i == 0 ? "/final.bin" : "/r" + (i - 1));
    }

    assertThat(fetcher.fetch(request(web.url("/r9"), MIB, new RecordingProgress())).size())
        .isEqualTo(1000);
    newJob();
    assertThatThrownBy(() -> fetcher.fetch(request(web.url("/r10"), MIB,
        new RecordingProgress())))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("more than 10 redirects");
        });
  }

  @Test
  void fetch_classifiesRefusalsAndServerTrouble() {
    web.status("/missing", 404, "no such file", Map.of());
    web.status("/busy", 503, "later", Map.of("Retry-After", "120"));
    web.status("/limited", 429, "slow down", Map.of());
    web.status("/broken", 500, "oops", Map.of());

    assertThat(failure("/missing").disposition()).isEqualTo(Disposition.PERMANENT);
    assertThat(failure("/missing").getMessage()).contains("HTTP 404", "not retried");
    assertThat(failure("/busy").disposition())
        .isEqualTo(Disposition.retryAfter(Duration.ofSeconds(120)));
    assertThat(failure("/limited").disposition()).isEqualTo(Disposition.RETRY);
    assertThat(failure("/broken").disposition()).isEqualTo(Disposition.RETRY);
  }

  private ScoutFailure failure(String path) {
    try {
      newJob();
      fetcher.fetch(request(web.url(path), MIB, new RecordingProgress()));
      throw new AssertionError("fetched " + path);
    } catch (ScoutFailure e) {
      return e;
    } catch (InterruptedException | IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void fetch_dropsAServerTricklingOneByteEveryTenSeconds() throws Exception {
    // the idle timeout (15 s) never fires on a byte every 10 s; the minimum speed does
    UrlFetcher strict = fetcher(DownloadConfig.of(MIB, true)
        .withTimeouts(Duration.ofSeconds(15), 1));
    web.trickle("/slow", 100, Duration.ofSeconds(10));
    long start = System.nanoTime();

    try {
      assertThatThrownBy(() -> strict.fetch(request(web.url("/slow"), MIB,
          new RecordingProgress())))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.RETRY);
            assertThat(e.getMessage()).contains("slower than DOWNLOAD_MIN_BYTES_PER_SECOND");
          });
    } finally {
      strict.close();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(45));
  }

  @Test
  void fetch_timesOutASilentServer() throws Exception {
    UrlFetcher impatient = fetcher(DownloadConfig.of(MIB, true)
        .withTimeouts(Duration.ofSeconds(1), 0));
    web.trickle("/silent", 10, Duration.ofSeconds(30));

    try {
      assertThatThrownBy(() -> impatient.fetch(request(web.url("/silent"), MIB,
          new RecordingProgress())))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.RETRY);
            assertThat(e.getMessage()).contains("sent nothing for 1 s (DOWNLOAD_TIMEOUT)");
          });
    } finally {
      impatient.close();
    }
  }

  @Test
  void fetch_ofAPage_withoutYtDlp_failsNamingTheDebianPackage() {
    web.html("/watch", "<html><video src=\"/v.mp4\"></video></html>");

    assertThat(failure("/watch"))
        .satisfies(e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("a web page (text/html)",
              "install the Debian package yt-dlp");
        });
  }

  @Test
  void fetch_isCancelledPromptlyByAnInterrupt_keepingAResumablePart() throws Exception {
    Path src = randomFile("src.bin", 2 * MIB);
    web.route("/stall.bin", ex -> {
      ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      ex.getResponseHeaders().set("ETag", "\"v1\"");
      ex.sendResponseHeaders(200, 2 * MIB);
      var out = ex.getResponseBody();
      out.write(Files.readAllBytes(src), 0, (int) MIB);
      out.flush();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    UrlFetcher patient = fetcher(DownloadConfig.of(100 * MIB, true)
        .withTimeouts(Duration.ofSeconds(50), 0));
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    RecordingProgress progress = new RecordingProgress();
    Thread worker = Thread.ofPlatform().start(() -> {
      try {
        patient.fetch(request(web.url("/stall.bin"), 100 * MIB, progress));
        outcome.complete(null);
      } catch (Throwable t) {
        outcome.complete(t);
      }
    });
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> progress.bytes.get() > 0);
    long interruptedAt = System.nanoTime();

    worker.interrupt();

    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt))
        .isLessThan(Duration.ofSeconds(5));
    assertThat(jobDir.resolve(WorkFiles.PART)).exists();
    patient.close();
  }

  @Test
  void fetch_afterAFinishedFetch_returnsItWithoutAskingAgain() throws Exception {
    Path src = randomFile("src.bin", 1000);
    web.file("/once.bin", src, "application/octet-stream");
    Fetched first = fetcher.fetch(request(web.url("/once.bin"), MIB, new RecordingProgress()));

    Fetched again = fetcher.fetch(request(web.url("/once.bin"), MIB, new RecordingProgress()));

    assertThat(again).isEqualTo(first);
    assertThat(web.requests("/once.bin")).hasSize(1);
  }

  @Test
  void fetch_refusesOtherSchemes() {
    for (String url : new String[] {"ftp://example.com/x", "file:///etc/passwd"}) {
      assertThatThrownBy(() -> fetcher.fetch(request(URI.create(url), MIB,
          new RecordingProgress())))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
            assertThat(e.getMessage()).contains("only http:// and https:// URLs");
          });
    }
  }
}
