package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.storage.pentaract.FakePentaract;
import io.scoutbot.testing.ScoutProcesses;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot's promise across a crash: a {@code serve} killed (SIGKILL) while it uploads a file a user
 * sent, then started again, finishes the job and edits the same status message to "✅ Stored".
 * Real jar; the fake Bot API and the fake Pentaract run in this JVM and outlive both processes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BotRestartIT {

  private static final long ALICE = 111;
  private static final String EMAIL = "admin@example.com";
  private static final String PASSWORD = java.util.UUID.randomUUID().toString();
  private static final String STORAGE = "ScoutBot-Storage";

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses ps = ScoutProcesses.in(() -> work)
      .jvm("-Xmx128m", "-XX:TieredStopAtLevel=1").cpuNeverThrottles()
      .env("NODE_ID", "it-node")
      .env("LOG_LEVEL", "info")
      .env("QUEUE_POLL_SECONDS", "1")
      .env("QUEUE_LEASE_SECONDS", "15")
      .env("ALLOWED_USER_ID", Long.toString(ALICE))
      .env("PENTARACT_ENABLED", "true")
      .env("PENTARACT_EMAIL", EMAIL)
      .env("PENTARACT_PASSWORD", PASSWORD)
      .env("PENTARACT_STORAGE", STORAGE);
  private FakeBotApi telegram;
  private FakePentaract pentaract;
  private String storageId;

  @BeforeEach
  void start() throws Exception {
    telegram = FakeBotApi.start(work.resolve("telegram"), FakeBotApi.Mode.CLOUD);
    telegram.chat(ALICE, "Alice");
    pentaract = new FakePentaract(work.resolve("pentaract"), InstantSource.system())
        .user(EMAIL, PASSWORD);
    storageId = pentaract.addStorage(EMAIL, STORAGE, -1001234567890L, true);
    pentaract.start(0);
    ps.env("BOT_TOKEN", telegram.token())
        .env("TELEGRAM_API_BASE_URL", telegram.baseUrl().toString())
        .env("PENTARACT_API_URL", pentaract.apiUrl().toString());
  }

  @AfterEach
  void stop() {
    telegram.close();
    pentaract.close();
  }

  @Test
  void serveKilledMidUpload_finishesTheJobAfterARestart_editingTheSameStatusMessage()
      throws Exception {
    byte[] content = new byte[6_000_000];
    new Random(42).nextBytes(content);
    Path original = Files.write(work.resolve("holiday.mp4"), content);
    FakeBotApi.FakeFile sent = telegram.addFile(original, "holiday.mp4", "video/mp4");
    CountDownLatch resume = new CountDownLatch(1);
    pentaract.stallUpload(1_000_000, resume);

    Process first = ps.start("serve-1", "serve");
    await().atMost(Duration.ofMinutes(2)).until(() -> !telegram.calls("getupdates").isEmpty());
    telegram.chat(ALICE, "Alice").document(sent, "/storage");
    // stalled: Pentaract stopped reading the body, the worker waits (up to its idle timeout)
    await().atMost(Duration.ofMinutes(1)).until(() -> pentaract.inFlight("POST upload_to") == 1);
    FakeBotApi.BotMessage before = await().atMost(Duration.ofSeconds(10))
        .until(() -> status(t -> !t.startsWith("✅")).filter(m -> m.edits() > 0),
            Optional::isPresent).orElseThrow();

    first.destroyForcibly(); // SIGKILL mid-upload: Pentaract has a part of the body
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    resume.countDown();

    Process second = ps.start("serve-2", "serve");
    FakeBotApi.BotMessage after;
    try {
      after = await().atMost(Duration.ofMinutes(2))
          .until(() -> status(t -> t.startsWith("✅ Stored")), Optional::isPresent).orElseThrow();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no ✅ Stored; the chat shows " + telegram.botMessages(ALICE)
          + "\n--- serve-1:\n" + ps.err("serve-1") + "\n--- serve-2:\n" + ps.err("serve-2"), e);
    }
    second.destroy();
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(after.messageId()).as("the same status message").isEqualTo(before.messageId());
    assertThat(telegram.botMessages(ALICE)).as("no second status message").hasSize(1);
    assertThat(after.edits()).isGreaterThan(before.edits());
    assertThat(after.visibleText()).contains("holiday.mp4").contains("5.7MiB");
    assertThat(pentaract.files(storageId)).singleElement().satisfies(path ->
        assertThat(Files.readAllBytes(pentaract.blob(storageId, path).orElseThrow()))
            .as("the whole file").isEqualTo(content));
    assertThat(ps.err("serve-2")).doesNotContain(telegram.token());
  }

  private Optional<FakeBotApi.BotMessage> status(Predicate<String> text) {
    List<FakeBotApi.BotMessage> messages = telegram.botMessages(ALICE);
    return messages.stream().filter(m -> m.visibleText() != null && text.test(m.visibleText()))
        .findFirst();
  }
}
