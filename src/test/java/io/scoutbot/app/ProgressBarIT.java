package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scoutbot.testing.LocalWebServer;
import io.scoutbot.testing.ScoutProcesses;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's progress bar in a real pseudo-terminal ({@code script} from util-linux): drawn on
 * stderr when stderr is a terminal, and absent when stderr is redirected or {@code --json} asks
 * for a document, even with stdout still on the terminal; for {@code upload}, {@code download}
 * and {@code fetch}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProgressBarIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  /** What every redraw starts with: back to the line's start, erase it. */
  private static final String REDRAW = "\r\033[K";

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses scout = ScoutProcesses.in(() -> work).cpuNeverThrottles();

  @BeforeEach
  void bigFile() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
        "skipped: script (util-linux) is needed to give the CLI a terminal");
    try (RandomAccessFile f = new RandomAccessFile(work.resolve("big.bin").toFile(), "rw")) {
      f.setLength(200L << 20); // sparse: nothing on disk, 200 MiB to copy
    }
  }

  @Test
  void upload_inATerminal_drawsTheBar_withPercentSpeedAndEta_thenClearsIt() throws Exception {
    String screen = inTerminal("tty", "upload big.bin");

    assertThat(screen).contains(REDRAW + "uploading big.bin  [").contains("%").contains("MiB/s")
        .contains("/ 200.0MiB").contains("ETA");
    Matcher result = Pattern.compile("[A-Z0-9]{6}\\s+big\\.bin").matcher(screen);
    assertThat(result.find()).as(screen).isTrue();
    assertThat(screen.lastIndexOf(REDRAW)).as("the bar is cleared before the result line")
        .isLessThan(result.start());
  }

  @Test
  void download_inATerminal_drawsTheBarToo() throws Exception {
    ScoutProcesses.Result up = scout.run(Map.of("LOG_LEVEL", "warn"), TIMEOUT,
        "upload", "big.bin", "--json");
    assertThat(up.exit()).as(up.err()).isZero();
    String code = up.json().get("files").get(0).get("code").asText();

    String screen = inTerminal("download", "download " + code + " -o back.bin");

    assertThat(screen).contains(REDRAW).contains("%").contains("/ 200.0MiB");
    assertThat(Files.size(work.resolve("back.bin"))).isEqualTo(200L << 20);
  }

  @Test
  void fetch_inATerminal_drawsTheBar_fromTheServersAnnouncedSize() throws Exception {
    try (LocalWebServer server = LocalWebServer.start()
        .file("/big.bin", work.resolve("big.bin"), "application/octet-stream")) {
      String screen = inTerminal("fetch", "fetch " + server.url("/big.bin"),
          Map.of("DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true"));

      assertThat(screen).contains(REDRAW + "fetching 127.0.0.1  [").contains("%")
          .contains("/ 200.0MiB").contains("MiB/s");
      Matcher result = Pattern.compile("[A-Z0-9]{6}\\s+big\\.bin").matcher(screen);
      assertThat(result.find()).as(screen).isTrue();
      assertThat(screen.lastIndexOf(REDRAW)).isLessThan(result.start());
    }
  }

  @Test
  void upload_withStderrRedirected_drawsNoBar_evenWithStdoutOnTheTerminal() throws Exception {
    String screen = inTerminal("redirected", "upload big.bin 2>err.txt");

    assertThat(screen).doesNotContain(REDRAW).containsPattern("[A-Z0-9]{6}\\s+big\\.bin");
    assertThat(Files.readString(work.resolve("err.txt"))).doesNotContain(REDRAW)
        .doesNotContain("MiB/s");
  }

  @Test
  void upload_withJson_drawsNoBar_inATerminal() throws Exception {
    String screen = inTerminal("json", "upload big.bin --json");

    assertThat(screen).doesNotContain(REDRAW).contains("\"files\"");
  }

  /** Runs {@code scoutbot <args>} under a pseudo-terminal; returns everything the terminal showed. */
  private String inTerminal(String name, String args) throws Exception {
    return inTerminal(name, args, Map.of());
  }

  private String inTerminal(String name, String args, Map<String, String> settings)
      throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put("LOG_LEVEL", "warn");
    env.put("TERM", "xterm");
    String java = ScoutProcesses.java() + " -jar " + ScoutProcesses.jar();
    ScoutProcesses.Result r = scout.runCommand(name,
        List.of("script", "-q", "-e", "-c", java + " " + args, "/dev/null"),
        env, TIMEOUT);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    return r.out();
  }
}
