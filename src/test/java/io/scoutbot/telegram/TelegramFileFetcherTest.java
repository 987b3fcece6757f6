package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.fetch.FetchProgress;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.Fetchers;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelegramFileFetcherTest {

  private static final int CHUNK = 256 << 10;

  @TempDir Path dir;
  private TelegramFixture f;
  private MemoryBudget budget;
  private Path work;
  private final AtomicLong expected = new AtomicLong(-1);
  private final AtomicLong advanced = new AtomicLong();
  private final FetchProgress progress = new FetchProgress() {
    @Override
    public void advance(long bytes) {
      advanced.addAndGet(bytes);
    }

    @Override
    public void expect(long totalBytes) {
      expected.set(totalBytes);
    }
  };

  @BeforeEach
  void start() throws Exception {
    f = TelegramFixture.start(dir, FakeBotApi.Mode.CLOUD);
    budget = new MemoryBudget(8 << 20, 4 << 20);
    work = Files.createDirectories(dir.resolve("job-7"));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private FetchRequest request(FakeBotApi.FakeFile file, String name, long maxBytes) {
    return new FetchRequest(7, new JobSource.TelegramFile(file.fileId()), name, work, maxBytes,
        progress);
  }

  private TelegramFileFetcher fetcher(BotApi api) {
    return new TelegramFileFetcher(api, budget, CHUNK);
  }

  @Test
  void aCloudFile_isDownloadedIntoTheJobsDirectory_throughOneBudgetedBuffer() throws Exception {
    Path src = TelegramFixture.sparse(dir, "src.bin", 5L << 20);
    FakeBotApi.FakeFile file = f.fake.addFile(src, "holiday.pdf", "application/pdf");

    Fetched got = fetcher(f.api).fetch(request(file, "holiday.pdf", 1L << 30));

    assertThat(got.file().getParent()).isEqualTo(work);
    assertThat(got.name()).isEqualTo("holiday.pdf");
    assertThat(got.size()).isEqualTo(5L << 20);
    assertThat(TelegramFixture.sha256(got.file())).isEqualTo(TelegramFixture.sha256(src));
    assertThat(expected).hasValue(5L << 20);
    assertThat(advanced).hasValue(5L << 20);
    assertThat(budget.peak()).isEqualTo(CHUNK);
    assertThat(budget.inUse()).isZero();
    assertThat(f.fake.calls("getfile")).hasSize(1);
    assertThat(f.fake.calls("file")).hasSize(1);
  }

  @Test
  void aCloudFileOver20Mb_failsPermanently_explainingTheLimitAndTheSelfHostedServer()
      throws Exception {
    Path src = TelegramFixture.sparse(dir, "big.bin", (20L << 20) + 1);
    FakeBotApi.FakeFile file = f.fake.addFile(src, "big.zip", "application/zip");

    assertThatThrownBy(() -> fetcher(f.api).fetch(request(file, "big.zip", 1L << 30)))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.description()).isEqualTo("Bad Request: file is too big");
          assertThat(e.getMessage()).contains("up to 20 MB", "telegram-bot-api --local",
              "TELEGRAM_API_BASE_URL", "TELEGRAM_LOCAL_API=true");
        });
    assertThat(f.fake.calls("file")).isEmpty();
  }

  @Test
  void aFileLargerThanTheJobsCap_isRefusedBeforeAnyByteIsRead() throws Exception {
    FakeBotApi.FakeFile file =
        f.fake.addFile(TelegramFixture.random(dir, "a.bin", 100_000), "a.bin", null);

    assertThatThrownBy(() -> fetcher(f.api).fetch(request(file, "a.bin", 50_000)))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("a.bin is 97.7 KiB, more than the 48.8 KiB");
        });
    assertThat(f.fake.calls("file")).isEmpty();
    assertThat(work).isEmptyDirectory();
  }

  @Test
  void aLocalServersFile_isReadFromItsAbsolutePath_withoutAnyHttpDownload() throws Exception {
    try (TelegramFixture local = TelegramFixture.start(dir.resolve("local"),
        FakeBotApi.Mode.LOCAL)) {
      Path src = TelegramFixture.sparse(dir, "server-dir-file.bin", 30L << 20);
      FakeBotApi.FakeFile file = local.fake.addFile(src, "video.mkv", "video/x-matroska");

      Fetched got = fetcher(local.api).fetch(request(file, "video.mkv", 1L << 30));

      assertThat(TelegramFixture.sha256(got.file())).isEqualTo(TelegramFixture.sha256(src));
      assertThat(got.file()).isNotEqualTo(src).hasParent(work);
      assertThat(local.fake.calls("file")).isEmpty();
      assertThat(advanced).hasValue(30L << 20);
    }
  }

  @Test
  void aLocalServersPathScoutBotCannotSee_failsPermanently_sayingWhatToShare() throws Exception {
    try (TelegramFixture local = TelegramFixture.start(dir.resolve("local"),
        FakeBotApi.Mode.LOCAL)) {
      Path src = TelegramFixture.random(dir, "elsewhere.bin", 1000);
      FakeBotApi.FakeFile file = local.fake.addFile(src, "doc.pdf", null);
      Files.delete(src);

      assertThatThrownBy(() -> fetcher(local.api).fetch(request(file, "doc.pdf", 1L << 30)))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
            assertThat(e.getMessage()).contains(src.toString(), "cannot see that path",
                "same path");
          });
    }
  }

  @Test
  void aLocalServersFileScoutBotMayNotRead_failsPermanently_sayingHowToShareIt()
      throws Exception {
    try (TelegramFixture local = TelegramFixture.start(dir.resolve("local"),
        FakeBotApi.Mode.LOCAL)) {
      Path src = TelegramFixture.random(dir, "private.bin", 1000);
      FakeBotApi.FakeFile file = local.fake.addFile(src, "doc.pdf", null);
      Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("---------"));
      assumeThat(Files.isReadable(src)).as("running as root reads anything").isFalse();

      assertThatThrownBy(() -> fetcher(local.api).fetch(request(file, "doc.pdf", 1L << 30)))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
            assertThat(e.getMessage()).contains("permission denied", "same user");
          });
    }
  }

  @Test
  void aDownloadDroppedMidway_isARetry_andLeavesNoPartialCopy() throws Exception {
    FakeBotApi.FakeFile file =
        f.fake.addFile(TelegramFixture.sparse(dir, "a.bin", 4L << 20), "a.bin", null);
    f.fake.dropDownloadsAfter(1L << 20);

    assertThatThrownBy(() -> fetcher(f.api).fetch(request(file, "a.bin", 1L << 30)))
        .isInstanceOfSatisfying(ScoutFailure.class,
            e -> assertThat(e.disposition()).isEqualTo(Disposition.RETRY));
    assertThat(work).isEmptyDirectory();
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void anInterruptedFetch_stopsPromptly_throwsInterrupted_andLeavesNoPartialCopy()
      throws Exception {
    FakeBotApi.FakeFile file =
        f.fake.addFile(TelegramFixture.sparse(dir, "a.bin", 8L << 20), "a.bin", null);
    f.fake.stallDownloadsAfter(2L << 20);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread worker = Thread.ofPlatform().start(() -> {
      try {
        fetcher(f.api).fetch(request(file, "a.bin", 1L << 30));
        outcome.set(new AssertionError("fetch completed"));
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> advanced.get() >= 1L << 20);

    worker.interrupt();
    worker.join(Duration.ofSeconds(10));

    assertThat(worker.isAlive()).isFalse();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(work).isEmptyDirectory();
    assertThat(budget.inUse()).isZero();
    f.fake.releaseStalls();
  }

  @ParameterizedTest(name = "HTTP {0} on the download -> {1}")
  @CsvSource({"404, RETRY", "500, RETRY", "502, RETRY", "403, PERMANENT"})
  void aDownloadAnsweredWithAnError_isClassified(int status, Disposition.Kind kind)
      throws Exception {
    FakeBotApi.FakeFile file =
        f.fake.addFile(TelegramFixture.random(dir, "a.bin", 1000), "a.bin", null);
    f.fake.failNext("file", status, "text/plain", "nope");

    assertThatThrownBy(() -> fetcher(f.api).fetch(request(file, "a.bin", 1L << 30)))
        .isInstanceOfSatisfying(ScoutFailure.class,
            e -> assertThat(e.disposition().kind()).isEqualTo(kind));
  }

  @Test
  void anUnknownFileId_failsPermanently() {
    FakeBotApi.FakeFile ghost = new FakeBotApi.FakeFile("BQACnope", "x", "x", null, 1,
        dir.resolve("x"), "documents/x");

    assertThatThrownBy(() -> fetcher(f.api).fetch(request(ghost, "x", 1L << 30)))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("invalid file_id");
        });
  }

  @Test
  void plugsIntoTheFetchersOfAProcess_forTelegramSources() throws Exception {
    FakeBotApi.FakeFile file =
        f.fake.addFile(TelegramFixture.random(dir, "a.bin", 1234), "a.bin", null);
    Fetchers fetchers = Fetchers.localOnly().with("telegram", fetcher(f.api));

    Fetched got = fetchers.fetch(request(file, "a.bin", 1L << 30));

    assertThat(fetchers.supports("telegram")).isTrue();
    assertThat(got.size()).isEqualTo(1234);
  }

  @ParameterizedTest(name = "name \"{0}\", path {1} -> \"{2}\" in {3}")
  @CsvSource({
      "report.pdf, documents/file_3.pdf, report.pdf, telegram-file.pdf",
      "../../etc/passwd, documents/file_3, passwd, telegram-file",
      "'', documents/file_9.mp4, file_9.mp4, telegram-file.mp4",
      "'C:\\Users\\me\\x.TXT', documents/file_1, x.TXT, telegram-file.txt",
      "weird.name.with spaces.tar.gz, d/f, weird.name.with spaces.tar.gz, telegram-file.gz",
      "'..', /var/lib/telegram-bot-api/1:A/documents/file_2.zip, file_2.zip, telegram-file.zip"})
  void namesLoseTheirPathParts_andTheLocalCopyHasAFixedSafeName(String requested, String path,
      String display, String local) {
    String name = TelegramFileFetcher.displayName(requested, path);

    assertThat(name).isEqualTo(display);
    assertThat(TelegramFileFetcher.localName(name)).isEqualTo(local);
  }
}
