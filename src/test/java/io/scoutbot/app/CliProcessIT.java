package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.testing.ScoutProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as separate processes the way a user runs it. */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // up to three JVMs per test on a loaded host
class CliProcessIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Map<String, String> ENV = Map.of("LOG_LEVEL", "warn");

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses scout = ScoutProcesses.in(() -> work).jvm("-Xmx128m")
      .cpuNeverThrottles();

  @Test
  void uploadThenDownload_inSeparateProcesses_givesIdenticalBytes() throws Exception {
    Path src = work.resolve("some.pdf");
    byte[] data = new byte[3_000_000];
    new Random(1).nextBytes(data);
    Files.write(src, data);

    ScoutProcesses.Result up = scout.run(ENV, TIMEOUT, "upload", "some.pdf", "--json");
    assertThat(up.exit()).as(up.err()).isZero();
    JsonNode file = JSON.readTree(up.out()).get("files").get(0);
    String code = file.get("code").asText();

    ScoutProcesses.Result down = scout.run(ENV, TIMEOUT, "download", code, "-o", "copy.pdf");
    assertThat(down.exit()).as(down.err()).isZero();
    assertThat(Files.mismatch(src, work.resolve("copy.pdf"))).isEqualTo(-1);

    ScoutProcesses.Result other = scout.run(ENV, TIMEOUT, "list", "--user", "42", "--json");
    assertThat(JSON.readTree(other.out()).get("total_files").asInt()).isZero();
  }

  @Test
  void serve_stopsCleanlyOnSigterm() throws Exception {
    Path log = scout.errFile("serve");
    Process serve = scout.start("serve", Map.of("LOG_LEVEL", "info"), "serve");

    scout.awaitErr("serve", "ScoutBot is running", Duration.ofSeconds(30));
    assertThat(Files.readString(log)).contains("Effective configuration:")
        .contains("RESOURCE_MEMORY_THRESHOLD=80.0");

    serve.destroy(); // SIGTERM

    assertThat(serve.waitFor(20, TimeUnit.SECONDS)).as("serve exits after SIGTERM").isTrue();
    assertThat(Files.readString(log)).contains("Stopping ScoutBot");
    // the database was really closed: SQLite checkpoints and removes its WAL on the last close
    assertThat(work.resolve("data/scoutbot.db")).exists();
    assertThat(work.resolve("data/scoutbot.db-wal")).doesNotExist();
  }

  @Test
  void badConfiguration_exitsWithTwo_beforeDoingAnything() throws Exception {
    ScoutProcesses.Result r =
        scout.run(Map.of("RESOURCE_MONITORING_INTERVAL", "0"), TIMEOUT, "status");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("RESOURCE_MONITORING_INTERVAL=0 is not valid");
    assertThat(work.resolve("data")).doesNotExist();
  }
}
