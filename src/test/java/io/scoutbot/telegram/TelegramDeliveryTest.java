package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelegramDeliveryTest {

  private static final long CAROL = 777001;

  @TempDir Path dir;
  private TelegramFixture f;
  private final List<String> governed = new CopyOnWriteArrayList<>();
  private final List<String> collected = new CopyOnWriteArrayList<>();
  private final AtomicInteger slotsHeld = new AtomicInteger();
  private FileDelivery delivery;

  @BeforeEach
  void start() throws Exception {
    f = TelegramFixture.start(dir, FakeBotApi.Mode.CLOUD);
    f.fake.chat(CAROL, "Carol");
    delivery = delivery(f.api);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private FileDelivery delivery(BotApi api) {
    Gate gate = operation -> governed.add("gate:" + operation);
    WorkLimit fixed = WorkLimit.fixed(1);
    WorkLimit limit = new WorkLimit() {
      @Override
      public Slot acquire(String operation) throws InterruptedException {
        governed.add("slot:" + operation);
        Slot s = fixed.acquire(operation);
        slotsHeld.incrementAndGet();
        return () -> {
          slotsHeld.decrementAndGet();
          s.close();
        };
      }

      @Override
      public int limit() {
        return 1;
      }
    };
    GcPolicy gc = collected::add;
    return FileDelivery.over(api, gate, limit, gc);
  }

  @Test
  void aDocument_isStreamedFromDisk_withItsNameAndAnEscapedCaption() throws Exception {
    Path file = TelegramFixture.random(dir, "tmp-123.bin", 300_000);

    Delivered d = delivery.deliver(new DeliveryRequest(CAROL, file, "notes <draft> & co.pdf",
        Html.format("📦 %s\n🔖 Code: <code>%s</code>", "notes <draft> & co.pdf", "ABC123"),
        "application/pdf", "ABC123", null));

    FakeBotApi.SentFile sent = f.fake.sentFiles().get(0);
    assertThat(sent.method()).isEqualTo("senddocument");
    assertThat(sent.fileName()).isEqualTo("notes <draft> & co.pdf");
    assertThat(sent.size()).isEqualTo(300_000);
    assertThat(sent.sha256()).isEqualTo(TelegramFixture.sha256(file));
    assertThat(sent.caption()).isEqualTo("📦 notes <draft> & co.pdf\n🔖 Code: ABC123");
    assertThat(d).isEqualTo(new Delivered(new MessageRef(CAROL, sent.messageId()), sent.fileId(),
        300_000, false));
  }

  @ParameterizedTest(name = "{0} ({1}) as video: {2}")
  @CsvSource(nullValues = "null", value = {
      "clip.mp4, null, true",
      "CLIP.MOV, null, true",
      "clip.m4v, null, true",
      "download, video/mp4, true",
      "download, video/quicktime, true",
      "movie.mkv, video/x-matroska, false",
      "movie.webm, null, false",
      "report.pdf, application/pdf, false"})
  void mp4AndMov_goAsStreamableVideos_otherFilesAsDocuments(String name, String mime,
      boolean video) throws Exception {
    Path file = TelegramFixture.random(dir, "f.bin", 10_000);

    Delivered d = delivery.deliver(new DeliveryRequest(CAROL, file, name, Html.text(""), mime,
        null, null));

    FakeBotApi.SentFile sent = f.fake.sentFiles().get(0);
    assertThat(d.asVideo()).isEqualTo(video);
    assertThat(sent.method()).isEqualTo(video ? "sendvideo" : "senddocument");
    assertThat(sent.supportsStreaming()).isEqualTo(video);
  }

  @Test
  void everySend_passesTheGateThenTakesASlot_andRunsGcAfterSuccess() throws Exception {
    Path file = TelegramFixture.random(dir, "a.txt", 1000);

    delivery.deliver(new DeliveryRequest(CAROL, file, "a.txt", Html.text("a"), null, null, null));

    assertThat(governed).containsExactly("gate:telegram send", "slot:telegram send");
    assertThat(collected).containsExactly("telegram");
    assertThat(slotsHeld).hasValue(0);
  }

  @Test
  void aSendMeetingOne429_isWaitedOut_andMadeExactlyOnceMore_withTheSlotGivenBackMeanwhile()
      throws Exception {
    f.fake.tooManyRequests("sendDocument", 1, 5);
    Path file = TelegramFixture.random(dir, "a.txt", 50_000);

    delivery.deliver(new DeliveryRequest(CAROL, file, "a.txt", Html.text("a"), null, null, null));

    assertThat(f.sleeper.slept()).containsExactly(Duration.ofSeconds(5));
    assertThat(f.fake.calls("senddocument")).hasSize(2);
    assertThat(f.fake.sentFiles()).hasSize(1);
    assertThat(governed).containsExactly("gate:telegram send", "slot:telegram send",
        "gate:telegram send", "slot:telegram send");
    assertThat(collected).containsExactly("telegram");
  }

  @Test
  void aFileAboveTheUploadLimit_isNeverAttempted_andTheRefusalSaysHowToGetIt() throws Exception {
    Path file = TelegramFixture.sparse(dir, "big.bin", (50L << 20) + 1);

    assertThatThrownBy(() -> delivery.deliver(new DeliveryRequest(CAROL, file, "big.iso",
        Html.text(""), null, "XYZ789", null)))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("big.iso is 50.0 MiB", "50.0 MiB",
              "TELEGRAM_UPLOAD_LIMIT_MB", "./scoutbot download XYZ789", "telegram-bot-api --local");
        });
    assertThat(f.fake.calls("senddocument")).isEmpty();
    assertThat(governed).isEmpty();
  }

  @Test
  void aFileAtTheUploadLimit_isSent() throws Exception {
    Path file = TelegramFixture.sparse(dir, "edge.bin", 50L << 20);

    delivery.deliver(new DeliveryRequest(CAROL, file, "edge.bin", Html.text(""), null, null,
        null));

    assertThat(f.fake.sentFiles().get(0).size()).isEqualTo(50L << 20);
  }

  @Test
  void aServerThatRefusesTheSizeWith413_failsPermanently_pointingAtTheLimitSetting()
      throws Exception {
    f.fake.uploadLimit(100_000);
    Path file = TelegramFixture.random(dir, "a.bin", 200_000);

    assertThatThrownBy(() -> delivery.deliver(new DeliveryRequest(CAROL, file, "a.bin",
        Html.text(""), null, null, null)))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.errorCode()).isEqualTo(413);
          assertThat(e.getMessage()).contains("413 Request Entity Too Large",
              "TELEGRAM_UPLOAD_LIMIT_MB");
        });
    assertThat(collected).isEmpty();
  }

  @Test
  void aSendToAUserWhoBlockedTheBot_failsPermanently() throws Exception {
    f.fake.blockedBy(CAROL);
    Path file = TelegramFixture.random(dir, "a.bin", 1000);

    assertThatThrownBy(() -> delivery.deliver(new DeliveryRequest(CAROL, file, "a.bin",
        Html.text(""), null, null, null)))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> assertThat(e.blockedByUser()).isTrue());
  }

  @Test
  void aServerFault_isARetry_andNothingIsCollected() throws Exception {
    f.fake.failNext("senddocument", 500, "application/json",
        "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}");
    Path file = TelegramFixture.random(dir, "a.bin", 1000);

    assertThatThrownBy(() -> delivery.deliver(new DeliveryRequest(CAROL, file, "a.bin",
        Html.text(""), null, null, null)))
        .isInstanceOfSatisfying(BotApiFailure.class,
            e -> assertThat(e.disposition()).isEqualTo(Disposition.RETRY));
    assertThat(collected).isEmpty();
    assertThat(slotsHeld).hasValue(0);
  }

  @Test
  void aLongCaption_isCutToTelegramsLimit() throws Exception {
    Path file = TelegramFixture.random(dir, "a.bin", 1000);

    delivery.deliver(new DeliveryRequest(CAROL, file, "a.bin", Html.text("c".repeat(3000)),
        null, null, null));

    assertThat(f.fake.sentFiles().get(0).caption()).hasSize(Html.CAPTION_LIMIT).endsWith("…");
  }

  @Test
  void aNameWithQuotesAndLineBreaks_stillReachesTheServerAsTheFile() throws Exception {
    Path file = TelegramFixture.random(dir, "a.bin", 1000);

    delivery.deliver(new DeliveryRequest(CAROL, file, "a \"quoted\"\nname.txt", Html.text(""),
        null, null, null));

    assertThat(f.fake.sentFiles().get(0).fileName()).isEqualTo("a _quoted__name.txt");
  }

  @Test
  void aMissingLocalCopy_failsPermanently_beforeAnySend() {
    assertThatThrownBy(() -> delivery.deliver(new DeliveryRequest(CAROL, dir.resolve("gone.bin"),
        "gone.bin", Html.text(""), null, null, null)))
        .isInstanceOfSatisfying(ScoutFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("no longer exists");
        });
    assertThat(governed).isEmpty();
  }

  @Test
  void anInterruptedSend_isCancelledPromptly_andGivesItsSlotBack() throws Exception {
    Path file = TelegramFixture.sparse(dir, "slow.bin", 40L << 20);
    f.fake.holdUploads();
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread worker = Thread.ofPlatform().start(() -> {
      try {
        delivery.deliver(new DeliveryRequest(CAROL, file, "slow.bin", Html.text(""), null, null,
            null));
        outcome.set(new AssertionError("send completed"));
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> f.fake.heldUploads() == 1);

    worker.interrupt();
    worker.join(Duration.ofSeconds(10));

    assertThat(worker.isAlive()).isFalse();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(slotsHeld).hasValue(0);
    assertThat(collected).isEmpty();
    f.fake.releaseUploads();
    // the connection was cut: the server never gets the whole file
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> f.fake.sentFiles().isEmpty());
  }

  @Test
  void aLocalServer_takesFilesAboveTheCloudLimit() throws Exception {
    try (TelegramFixture local = TelegramFixture.start(dir.resolve("local"),
        FakeBotApi.Mode.LOCAL)) {
      local.fake.chat(CAROL, "Carol");
      Path file = TelegramFixture.sparse(dir, "big.mp4", 80L << 20);

      Delivered d = delivery(local.api).deliver(new DeliveryRequest(CAROL, file, "big.mp4",
          Html.text("big"), "video/mp4", null, null));

      assertThat(d.asVideo()).isTrue();
      assertThat(local.fake.sentFiles().get(0).sha256()).isEqualTo(TelegramFixture.sha256(file));
    }
  }
}
