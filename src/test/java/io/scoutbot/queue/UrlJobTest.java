package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.config.DownloadConfig;
import io.scoutbot.config.SafetyConfig;
import io.scoutbot.download.UrlFetcher;
import io.scoutbot.download.YtDlp;
import io.scoutbot.fetch.Fetchers;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.FileView;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.Submission;
import io.scoutbot.files.UploadOutcome;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.safety.FilePolicy;
import io.scoutbot.testing.LocalWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A URL submitted through the facade is fetched by the real URL fetcher from a local server,
 * checked by the file policy, stored and told as events: the whole path a bot's /download takes.
 */
class UrlJobTest {

  @TempDir Path dir;
  private QueueHarness h;
  private LocalWebServer web;
  private UrlFetcher urls;
  private FileDesk desk;

  @BeforeEach
  void setUp() throws Exception {
    h = new QueueHarness(dir, 2, 2);
    web = LocalWebServer.start();
    MemoryBudget budget = new MemoryBudget(8 << 20, 4 << 20);
    // the server is on loopback: the SSRF guard must let it through for this test
    urls = UrlFetcher.create(DownloadConfig.of(50L << 20, true), budget, 64 << 10,
        YtDlp.absent("not needed here"));
    h.safety = FilePolicy.standard(SafetyConfig.defaults(), budget);
    h.useFetchers(Fetchers.localOnly().with("url", urls));
    desk = h.desk();
  }

  @AfterEach
  void tearDown() {
    desk.close();
    urls.close();
    web.close();
    h.close();
  }

  @Test
  void aUrl_isFetched_namedByTheServer_stored_andToldWithItsCode() throws Exception {
    byte[] data = new byte[700_000];
    new Random(7).nextBytes(data);
    Path video = Files.write(dir.resolve("v.bin"), data);
    web.file("/watch/12345", video, "video/mp4", true,
        "attachment; filename*=UTF-8''Holiday%20clip.mp4");
    List<JobEvent> events = new CopyOnWriteArrayList<>();

    UploadOutcome o = desk.store(1, List.of(Submission.url(web.url("/watch/12345"))), events::add)
        .getFirst();

    assertThat(o.ok()).as(o.error()).isTrue();
    FileView f = o.file();
    assertThat(f.name()).isEqualTo("Holiday clip.mp4");
    assertThat(f.size()).isEqualTo(data.length);
    assertThat(f.mimeType()).isEqualTo("video/mp4");
    assertThat(h.storage.objects.get(f.code() + "/Holiday clip.mp4").size())
        .isEqualTo(data.length);
    assertThat(events).filteredOn(e -> e instanceof JobEvent.Progress p
        && p.phase().equals("fetching")).isNotEmpty();
    assertThat(events.getLast()).isInstanceOf(JobEvent.Completed.class);
    assertThat(h.jobDirs.of(o.job().id())).as("its temp directory went with it").doesNotExist();
  }

  @Test
  void aProgramBehindAUrl_isRefusedByThePolicy_forGood_andNothingIsStored() throws Exception {
    byte[] elf = new byte[4096];
    elf[0] = 0x7f;
    elf[1] = 'E';
    elf[2] = 'L';
    elf[3] = 'F';
    web.file("/report.pdf", Files.write(dir.resolve("x"), elf), "application/pdf");

    UploadOutcome o = desk.store(1, List.of(Submission.url(web.url("/report.pdf"))), e -> {})
        .getFirst();

    assertThat(o.ok()).isFalse();
    assertThat(o.error()).contains("is refused").contains("Linux program (ELF)");
    assertThat(o.job().failures()).isZero();
    assertThat(h.storage.attempts).hasValue(0);
    assertThat(h.jobDirs.of(o.job().id())).doesNotExist();
  }
}
