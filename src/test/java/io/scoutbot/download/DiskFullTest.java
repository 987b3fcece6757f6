package io.scoutbot.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scoutbot.config.DownloadConfig;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.testing.LocalWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fetch into a file system that fills up: a real 2 MiB tmpfs, mounted for the test where the
 * machine allows it (root, as in CI); skipped elsewhere, where {@link HttpFailuresTest} still
 * checks how a full disk is recognised.
 */
@Timeout(60)
class DiskFullTest {

  private static Path mount;

  @BeforeAll
  static void mountASmallFileSystem() throws Exception {
    mount = Files.createTempDirectory("scoutbot-diskfull");
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
    if (!mounted) {
      Files.deleteIfExists(mount);
    }
    assumeTrue(mounted, "cannot mount a tmpfs here (needs root)");
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mount != null && Files.exists(mount)) {
      run("umount", mount.toString());
      Files.deleteIfExists(mount);
    }
  }

  private static boolean run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void aFetchThatFillsTheDisk_failsAsDiskFull_toBeRetried_leavingNothing() throws Exception {
    Path src = Files.createTempFile("scoutbot-diskfull-src", ".bin");
    MemoryBudget budget = new MemoryBudget(8 << 20, 4 << 20);
    try (LocalWebServer web = LocalWebServer.start();
        UrlFetcher fetcher = new UrlFetcher(
            DownloadConfig.of(100 << 20, true).withTimeouts(Duration.ofSeconds(5), 0),
            new NetGuard(HostResolver.system(), AddressPolicy.anything()), budget, 256 * 1024,
            YtDlp.absent("not in this test"), InstantSource.system(), System::nanoTime)) {
      Files.write(src, new byte[6 << 20]);
      web.file("/big.bin", src, "application/octet-stream");
      Path jobDir = Files.createDirectories(mount.resolve("jobs/1"));

      assertThatThrownBy(() -> fetcher.fetch(new FetchRequest(1,
          new JobSource.Url(web.url("/big.bin")), "", jobDir, 100 << 20,
          new RecordingProgress())))
          .isInstanceOfSatisfying(ScoutFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.RETRY);
            assertThat(e.getMessage()).startsWith("disk full:")
                .contains("the partial file was removed", "retried later");
          });

      try (Stream<Path> left = Files.walk(jobDir)) {
        assertThat(left.filter(Files::isRegularFile)).as("nothing left behind").isEmpty();
      }
      assertThat(Files.getFileStore(mount).getUsableSpace())
          .as("the space is free again").isGreaterThan(1_900_000);
      assertThat(budget.inUse()).isZero();
    } finally {
      Files.deleteIfExists(src);
    }
  }
}
