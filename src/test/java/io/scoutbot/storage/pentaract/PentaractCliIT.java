package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, as a user would: the real jar, with PENTARACT_ENABLED=true, against the fake
 * Pentaract in this JVM; upload, download, delete and status, under a 64 MiB heap.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // several JVMs per test, some waiting for the fake
class PentaractCliIT {

  private static final String EMAIL = "admin@example.com";
  private static final String PASSWORD = "secret";

  @TempDir Path dir;
  @RegisterExtension final ScoutProcesses scout = ScoutProcesses.in(() -> dir).jvm("-Xmx64m").cpuNeverThrottles()
      .env("PENTARACT_ENABLED", "true")
      .env("PENTARACT_EMAIL", EMAIL)
      .env("PENTARACT_PASSWORD", PASSWORD);
  private FakePentaract fake;
  private String storageId;

  @BeforeEach
  void start() throws IOException {
    fake = new FakePentaract(dir.resolve("fake"), InstantSource.system()).user(EMAIL, PASSWORD);
    storageId = fake.addStorage(EMAIL, "ScoutBot-Storage", -1234567890L, true);
    fake.start(0);
    scout.env("PENTARACT_API_URL", fake.apiUrl().toString());
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void uploadDownloadDelete_roundTripASegmentedFile_underA64MiBHeap() throws Exception {
    Path big = dir.resolve("big.iso");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      byte[] head = new byte[1 << 20];
      new Random(3).nextBytes(head);
      f.write(head);
      f.setLength(300L << 20);
    }

    ScoutProcesses.Result up = run("upload", big.toString(), "--json");
    assertThat(up.exit()).as(up.err()).isZero();
    JsonNode file = up.json().get("files").get(0);
    String code = file.get("code").asText();
    assertThat(file.get("remote_path").asText())
        .isEqualTo("scoutbot/" + code + "/big.iso.segments/manifest.json");
    assertThat(fake.files(storageId)).hasSize(8 + 1); // 40 MiB segments and the manifest

    ScoutProcesses.Result down =
        run("download", code, "-o", dir.resolve("back.iso").toString(), "--json");
    assertThat(down.exit()).as(down.err()).isZero();
    assertThat(Files.mismatch(big, dir.resolve("back.iso"))).isEqualTo(-1);

    ScoutProcesses.Result del = run("delete", code, "--json");
    assertThat(del.exit()).as(del.err()).isZero();
    assertThat(fake.files(storageId)).isEmpty();
  }

  @Test
  void status_reportsPentaractReachableAndLoggedIn() throws Exception {
    ScoutProcesses.Result status = run("status", "--json");

    assertThat(status.exit()).as(status.err()).isZero();
    JsonNode storage = status.json().get("storage");
    assertThat(storage.get("name").asText()).isEqualTo("pentaract");
    assertThat(storage.get("up").asBoolean()).isTrue();
    assertThat(storage.get("detail").asText()).contains("logged in as " + EMAIL);
  }

  @Test
  void status_exitsOne_whilePentaractIsDown_andZeroOnceItIsBack() throws Exception {
    fake.stop();

    ScoutProcesses.Result down = run("status", "--json");

    // a container health check reads the exit code; the report is printed all the same
    assertThat(down.exit()).as(down.err()).isEqualTo(1);
    assertThat(down.json().get("storage").get("up").asBoolean()).isFalse();
    assertThat(down.json().get("database").get("up").asBoolean()).isTrue();
    assertThat(down.err()).contains("storage is down");

    fake.start();
    ScoutProcesses.Result back = run("status", "--json");

    assertThat(back.exit()).as(back.err()).isZero();
    assertThat(back.json().get("storage").get("up").asBoolean()).isTrue();
    assertThat(back.json().get("healthy").asBoolean()).isTrue();
  }

  @Test
  void upload_whilePentaractIsDown_waitsWithANotice_thenCompletesWhenItIsBack() throws Exception {
    Path small = Files.writeString(dir.resolve("small.txt"), "hello");
    fake.stop();

    Process up = scout.start("up", "upload", small.toString(), "--json");
    Path err = scout.errFile("up");

    // the outage is announced, and the job stays queued instead of failing
    awaitText(err, "retrying at", 60);
    assertThat(Files.readString(err)).contains("notice: small.txt").contains("unavailable")
        .contains("Connection refused");
    assertThat(up.isAlive()).isTrue();

    fake.start();

    assertThat(up.waitFor(3, TimeUnit.MINUTES)).as("upload finishes once Pentaract is back")
        .isTrue();
    assertThat(up.exitValue()).as(Files.readString(err)).isZero();
    JsonNode file = new ObjectMapper().readTree(scout.out("up")).get("files").get(0);
    assertThat(file.get("status").asText()).isEqualTo("completed");
    assertThat(fake.files(storageId)).hasSize(1);
  }

  @Test
  void upload_stoppedWithSigterm_putsItsJobBackInTheQueue_insteadOfLeavingItLeased()
      throws Exception {
    Path small = Files.writeString(dir.resolve("slow.txt"), "hello");
    fake.answerUploadsAfter(java.time.Duration.ofMinutes(5)); // Pentaract still busy with Telegram

    Process up = scout.start("slow", "upload", small.toString(), "--json");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (fake.count("POST upload_to") == 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertThat(fake.count("POST upload_to")).as("the upload reached Pentaract").isPositive();

    up.destroy(); // SIGTERM, as Ctrl-C or a service manager would

    assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("upload exits promptly").isTrue();
    assertThat(scout.err("slow")).contains("stay queued");
    JsonNode job = run("queue", "--json").json().get("jobs").get(0);
    assertThat(job.get("state").asText()).isEqualTo("pending");
    assertThat(job.get("worker").isNull()).as("no lease left to a dead process").isTrue();
  }

  private static void awaitText(Path file, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("'" + text + "' did not appear in " + file + " within " + seconds
        + " s:\n" + (Files.exists(file) ? Files.readString(file) : "(missing)"));
  }

  private ScoutProcesses.Result run(String... args) throws Exception {
    return scout.run(Duration.ofMinutes(5), args);
  }
}
