package io.scoutbot.queue;

import static io.scoutbot.queue.QueueEndToEnd.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.scoutbot.storage.pentaract.FakePentaract;
import io.scoutbot.testing.ScoutProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the queue tells the user is what Pentaract holds, whatever happens to {@code serve}: kill
 * storms (some while every worker waits at a throttled gate), a kill after Pentaract has the whole
 * file but before the job settled, and a storage that is not configured right. Real jar, fake
 * Pentaract in this JVM, SQLite.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES) // a storm is a dozen JVM starts on a loaded host
class StorageTruthIT {

  private static final String EMAIL = "admin@example.com";
  private static final String PASSWORD = "secret";
  private static final String STORAGE = "ScoutBot-Storage";

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses ps = QueueEndToEnd.processes(() -> work)
      .env("PENTARACT_ENABLED", "true")
      .env("PENTARACT_EMAIL", EMAIL)
      .env("PENTARACT_PASSWORD", PASSWORD)
      .env("PENTARACT_STORAGE", STORAGE);
  private FakePentaract fake;
  private String storageId;
  private String db;

  @BeforeEach
  void start() throws Exception {
    fake = new FakePentaract(work.resolve("fake"), InstantSource.system()).user(EMAIL, PASSWORD);
    storageId = fake.addStorage(EMAIL, STORAGE, -1001234567890L, true);
    fake.start(0);
    ps.env("PENTARACT_API_URL", fake.apiUrl().toString());
    db = "jdbc:sqlite:" + work.resolve("data/scoutbot.db");
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void killStorm_withThrottledRestarts_everyJobCompletesOnce_andPentaractHoldsOneObjectEach()
      throws Exception {
    int jobs = 50;
    List<Path> files = QueueEndToEnd.files(work, "storm", jobs, 200_000);
    submit(files);
    fake.answerUploadsAfter(Duration.ofMillis(500));
    Random random = new Random(7);

    // pressure from the first sample on: memory is always above 1 %, so every worker waits
    Map<String, String> pressure = Map.of("RESOURCE_MEMORY_THRESHOLD", "1",
        "RESOURCE_CPU_THRESHOLD", "1", "RESOURCE_SAMPLE_SECONDS", "1");
    for (int i = 1; i <= 3; i++) {
      killAfter("throttled-" + i, pressure, Duration.ofMillis(2500 + random.nextInt(1500)));
      assertThat(ps.err("throttled-" + i)).contains("throttling enabled");
    }
    assertThat(count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'pending'"
        + " AND attempts = 0 AND failures = 0"))
        .as("jobs untouched by kills during the gate wait").isEqualTo(jobs);
    assertThat(fake.count("POST upload_to")).isZero();

    for (int i = 1; i <= 8; i++) {
      killAfter("storm-" + i, Map.of(), Duration.ofMillis(1000 + random.nextInt(2500)));
    }
    long doneInStorm = count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'");

    Process last = ps.start("last", "serve");
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(
        () -> count(db, "SELECT COUNT(*) FROM upload_job WHERE state IN ('pending', 'running',"
            + " 'blocked')") == 0);
    last.destroy();
    assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'"))
        .as("completed jobs (%d of them during the storm)", doneInStorm).isEqualTo(jobs);
    assertThat(QueueEndToEnd.completions(ps).values()).as("completions logged per job")
        .allMatch(n -> n == 1);
    assertPentaractHoldsExactly(files);
    assertThat(count(db, "SELECT COUNT(*) FROM upload_job WHERE attempts > 1"))
        .as("jobs a kill interrupted mid-upload (the storm hit work in flight)").isPositive();
  }

  @Test
  void killAfterPentaractHasTheWholeFile_beforeTheJobSettled_completesWithItsCode_evenWithOneAttempt()
      throws Exception {
    ps.env("QUEUE_RETRY_ATTEMPTS", "1");
    List<Path> files = QueueEndToEnd.files(work, "late", 1, 3_000_000);
    submit(files);
    CountDownLatch answer = new CountDownLatch(1);
    fake.holdUploads(answer);

    Process serve = ps.start("serve-1", "serve");
    await().atMost(Duration.ofMinutes(2)).until(() -> fake.holding() == 1);
    serve.destroyForcibly(); // SIGKILL: Pentaract has every byte, the job is still running
    assertThat(serve.waitFor(10, TimeUnit.SECONDS)).isTrue();
    answer.countDown(); // Pentaract finishes its Telegram work with nobody listening
    await().atMost(Duration.ofSeconds(10)).until(() -> fake.files(storageId).size() == 1);

    Process again = ps.start("serve-2", "serve");
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(
        () -> count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'") == 1);
    again.destroy();
    assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(fake.count("POST upload_to")).as("not sent again").isEqualTo(1);
    assertThat(ps.err("serve-2")).contains("its last worker had stored it before it stopped");
    assertPentaractHoldsExactly(files);
    String code = codes().get(files.getFirst().getFileName().toString());
    ScoutProcesses.Result info = ps.run(Duration.ofSeconds(60), "info", code, "--json");
    assertThat(info.exit()).as(info.err()).isZero();
    assertThat(info.json().get("status").asText()).isEqualTo("completed");
  }

  @Test
  void missingStorage_blocksWithTheReason_keepsTheCopy_andCompletesOnceTheSettingIsFixed()
      throws Exception {
    List<Path> files = QueueEndToEnd.files(work, "blocked", 1, 100_000);
    ScoutProcesses.Result queued = ps.run(Map.of("PENTARACT_STORAGE", "Nope"),
        Duration.ofSeconds(120), "upload", "--no-wait", files.getFirst().toString(), "--json");
    assertThat(queued.exit()).as(queued.err()).isZero();
    long job = queued.json().get("files").get(0).get("job_id").asLong();
    Files.delete(files.getFirst()); // as the README allows: the queue has its own copy

    Process wrong = ps.start("serve-wrong", Map.of("PENTARACT_STORAGE", "Nope"), "serve");
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(
        () -> count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'blocked'") == 1);
    JsonNode row = queueRow(Map.of("PENTARACT_STORAGE", "Nope"), job);
    assertThat(row.get("state").asText()).isEqualTo("blocked");
    assertThat(row.get("last_error").asText()).contains("Nope");
    assertThat(spool()).as("the temp copy, the user's only copy").hasSize(1);
    wrong.destroy();
    assertThat(wrong.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(spool()).hasSize(1);

    Process fixed = ps.start("serve-fixed", "serve");
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(
        () -> count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'") == 1);
    fixed.destroy();
    assertThat(fixed.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(fake.files(storageId)).singleElement().asString().endsWith("/blocked-0.bin");
    assertThat(fake.storageId("Nope")).as("no storage was made up").isEmpty();
    assertThat(spool()).as("the copy goes once the file is stored").isEmpty();
  }

  /** Starts serve as {@code name}, waits until it runs, lets it work for {@code life}, kills it. */
  private void killAfter(String name, Map<String, String> env, Duration life) throws Exception {
    Process p = ps.start(name, env, "serve");
    ps.awaitErr(name, "ScoutBot is running", Duration.ofSeconds(90));
    TimeUnit.MILLISECONDS.sleep(life.toMillis());
    p.destroyForcibly();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private void submit(List<Path> files) throws Exception {
    List<String> args = new ArrayList<>(List.of("upload", "--no-wait"));
    files.forEach(f -> args.add(f.toString()));
    QueueEndToEnd.run(ps, args.toArray(String[]::new));
  }

  /** One complete object per file at {@code scoutbot/CODE/NAME} with its bytes, nothing else. */
  private void assertPentaractHoldsExactly(List<Path> files) throws Exception {
    Map<String, String> codes = codes();
    List<String> expected = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      assertThat(codes).as("catalog entry of " + name).containsKey(name);
      String path = "scoutbot/" + codes.get(name) + "/" + name;
      expected.add(path);
      Path blob = fake.blob(storageId, path).orElseThrow();
      assertThat(Files.mismatch(blob, f)).as("bytes of " + path).isEqualTo(-1);
    }
    assertThat(fake.files(storageId)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(fake.unfinished(storageId)).isEmpty();
  }

  /** Completed catalog entries: file name to code. */
  private Map<String, String> codes() throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(db);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT name, code FROM stored_file WHERE status = 'completed'")) {
      while (rs.next()) {
        assertThat(out.put(rs.getString(1), rs.getString(2))).as("stored once").isNull();
      }
    }
    return out;
  }

  private JsonNode queueRow(Map<String, String> env, long job) throws Exception {
    ScoutProcesses.Result r = ps.run(env, Duration.ofSeconds(60), "queue", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    for (JsonNode j : r.json().get("jobs")) {
      if (j.get("id").asLong() == job) {
        return j;
      }
    }
    throw new AssertionError("job " + job + " not in " + r.out());
  }

  private List<Path> spool() throws Exception {
    try (Stream<Path> s = Files.list(work.resolve("data/tmp/queue"))) {
      return s.toList();
    }
  }
}
