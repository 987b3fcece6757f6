package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.config.ConfigLoader;
import io.scoutbot.files.FileView;
import io.scoutbot.files.Submission;
import io.scoutbot.testing.LocalWebServer;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot as {@code serve} wires it, in this JVM: the fake Bot API plays Telegram and its users,
 * the local store keeps the files, a local web server plays the web. Each test acts as users and
 * reads what they would see in their chats.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BotEndToEndTest {

  private static final long ALICE = 111;
  private static final long BOB = 222;
  private static final long MALLORY = 999;
  private static final Pattern CODE = Pattern.compile("Code: ([A-Z0-9]{6})");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private FakeBotApi telegram;
  private Application app;

  @BeforeEach
  void start() throws IOException {
    telegram = FakeBotApi.start(dir.resolve("telegram"), FakeBotApi.Mode.CLOUD);
    telegram.chat(ALICE, "Alice");
    telegram.chat(BOB, "Bob");
    telegram.chat(MALLORY, "Mallory");
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    telegram.close();
  }

  private void serve(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", dir.resolve("data").toString());
    env.put("HTTP_ADDR", "off");
    env.put("BOT_TOKEN", telegram.token());
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl().toString());
    env.put("ALLOWED_USER_ID", ALICE + "," + BOB);
    env.put("DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true");
    // this machine's load must not throttle the test
    env.put("RESOURCE_CPU_THRESHOLD", "100");
    env.put("RESOURCE_MEMORY_THRESHOLD", "100");
    env.put("RESOURCE_DISK_THRESHOLD", "100");
    env.putAll(extra);
    app = new Application(ConfigLoader.fromMap(env, dir), true, Map.of());
    app.startServing();
    await().atMost(WAIT).until(() -> !telegram.calls("getupdates").isEmpty());
  }

  /** Where the bot keeps a file it sends back from storage (TMPFILE_PATH/bot). */
  private Path sendingDir() {
    return dir.resolve("data").resolve("tmp").resolve("bot");
  }

  @Test
  void aCopyLeftBySendingFromStorage_whenAnEarlierServeStopped_isRemovedAtStart()
      throws Exception {
    Path leftover = Files.createDirectories(sendingDir()).resolve("send-earlier");
    Files.write(leftover, new byte[1024]);

    serve(Map.of());

    assertThat(leftover).doesNotExist();
  }

  @Test
  void documentWithStorageCaption_endsStored_andItsCodeDownloadsTheSameBytes() throws Exception {
    serve(Map.of());
    Path original = randomFile("report.pdf", 3_000_000);
    FakeBotApi.FakeFile sent = telegram.addFile(original, "report <final>.pdf", "application/pdf");

    telegram.chat(ALICE, "Alice").document(sent, "/storage");

    FakeBotApi.BotMessage status = awaitMessage(ALICE, t -> t.startsWith("✅ Stored"));
    assertThat(status.visibleText()).contains("report <final>.pdf").contains("2.9MiB");
    assertThat(telegram.botMessages(ALICE)).as("one status message for the job").hasSize(1);
    String code = code(status);

    Path copy = app.files().download(ALICE, code, dir.resolve("copy.pdf"), b -> {});
    assertThat(sha256(copy)).isEqualTo(sha256(original));

    telegram.chat(ALICE, "Alice").text("/storage download " + code.toLowerCase());
    await().atMost(WAIT).until(() -> !telegram.sentFiles().isEmpty());
    FakeBotApi.SentFile back = telegram.sentFiles().getFirst();
    assertThat(back.sha256()).isEqualTo(sha256(original));
    assertThat(back.fileName()).isEqualTo("report <final>.pdf");
    assertThat(back.caption()).contains("Code: " + code);
    await().atMost(WAIT).untilAsserted(() -> assertThat(sendingDir()).isEmptyDirectory());

    telegram.chat(ALICE, "Alice").text("/storage info " + code);
    assertThat(awaitMessage(ALICE, t -> t.startsWith("📄 File Information")).visibleText())
        .contains("Name: report <final>.pdf").contains("Type: application/pdf")
        .contains("State: completed");
    telegram.chat(ALICE, "Alice").text("/storage stats");
    assertThat(awaitMessage(ALICE, t -> t.startsWith("📊 Storage Statistics")).visibleText())
        .contains("Files: 1").contains("Total Size: 2.9MiB").contains("Success Rate: 100.0%");
  }

  @Test
  void download_sendsA30MbFileToTheChat_andStoresA70MbOneWithACode() throws Exception {
    serve(Map.of());
    Path small = sparseFile("small.bin", 30L << 20);
    Path large = sparseFile("large.bin", 70L << 20);
    try (LocalWebServer web = LocalWebServer.start()) {
      web.file("/small.bin", small, "application/octet-stream");
      web.file("/large.bin", large, "application/octet-stream");

      telegram.chat(ALICE, "Alice").text("/download " + web.url("/small.bin"));
      FakeBotApi.BotMessage sentStatus = awaitMessage(ALICE, t -> t.startsWith("📨"));
      assertThat(sentStatus.visibleText()).contains("small.bin").contains("Sent to this chat");
      assertThat(telegram.sentFiles()).singleElement().satisfies(f -> {
        assertThat(f.size()).isEqualTo(30L << 20);
        assertThat(f.sha256()).isEqualTo(sha256(small));
      });

      telegram.chat(ALICE, "Alice").text("/download " + web.url("/large.bin"));
      FakeBotApi.BotMessage stored = awaitMessage(ALICE, t -> t.startsWith("✅ Stored"));
      assertThat(stored.visibleText()).contains("large.bin").contains("70.0MiB");
      assertThat(telegram.sentFiles()).as("the large file is not sent").hasSize(1);
      FileView f = app.files().info(ALICE, code(stored)).orElseThrow();
      assertThat(f.stored()).isTrue();
      assertThat(f.sha256()).isEqualTo(sha256(large));
    }
  }

  @Test
  void tooManyRequests_isWaitedOut_andTheDocumentIsSentOnce() throws Exception {
    serve(Map.of());
    Path original = randomFile("notes.txt", 200_000);
    app.files().store(ALICE, List.of(Submission.localCopy(original)), e -> {});
    String code = app.files().list(ALICE).getFirst().code();
    telegram.tooManyRequests("sendDocument", 1, 1);

    telegram.chat(ALICE, "Alice").text("/storage download " + code);

    await().atMost(WAIT).until(() -> !telegram.sentFiles().isEmpty());
    assertThat(telegram.calls("senddocument")).as("one 429, then the send").hasSize(2);
    assertThat(telegram.sentFiles()).singleElement()
        .satisfies(f -> assertThat(f.sha256()).isEqualTo(sha256(original)));
    await().atMost(WAIT).until(() -> telegram.botMessages(ALICE).stream()
        .filter(m -> m.text() != null && m.text().startsWith("⏳ Downloading"))
        .allMatch(FakeBotApi.BotMessage::deleted));
  }

  @Test
  void storageList_pages120FilesUnderTheMessageLimit_withButtons() throws Exception {
    serve(Map.of("QUEUE_MAX_JOBS_PER_USER", "200"));
    List<Submission> files = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      files.add(Submission.localCopy(Files.writeString(dir.resolve(
          "file-" + i + "-" + "x".repeat(150) + ".txt"), "content " + i)));
    }
    app.files().store(ALICE, files, e -> {});

    telegram.chat(ALICE, "Alice").text("/storage list");

    FakeBotApi.BotMessage page1 = awaitMessage(ALICE, t -> t.contains("page 1 of 12"));
    assertThat(page1.visibleText().length()).isLessThan(4096);
    assertThat(page1.visibleText()).contains("Total: 120 files");
    assertThat(page1.keyboard()).singleElement()
        .satisfies(row -> assertThat(row).containsEntry("2 ▶", "list:2").hasSize(1));

    telegram.chat(ALICE, "Alice").press(page1.messageId(), "list:2");
    await().atMost(WAIT).until(() -> message(ALICE, page1.messageId()).visibleText()
        .contains("page 2 of 12"));
    FakeBotApi.BotMessage page2 = message(ALICE, page1.messageId());
    assertThat(page2.keyboard()).singleElement()
        .satisfies(row -> assertThat(row).containsEntry("◀ 1", "list:1")
            .containsEntry("3 ▶", "list:3"));
    assertThat(Stream.of(page1, page2).map(m -> codes(m.visibleText())))
        .as("ten files each, none on both pages")
        .allSatisfy(c -> assertThat(c).hasSize(10));
    assertThat(codes(page1.visibleText())).doesNotContainAnyElementsOf(codes(page2.visibleText()));
    await().atMost(WAIT).until(() -> !telegram.callbackAnswers().isEmpty());
  }

  @Test
  void deleteWithConfirmation_removesTheStoredObject() throws Exception {
    serve(Map.of());
    Path original = randomFile("old.bin", 100_000);
    app.files().store(ALICE, List.of(Submission.localCopy(original)), e -> {});
    FileView f = app.files().list(ALICE).getFirst();
    Path object = dir.resolve("data/storage").resolve(f.remotePath());
    assertThat(object).exists();

    telegram.chat(ALICE, "Alice").text("/storage delete " + f.code());
    FakeBotApi.BotMessage confirm = awaitMessage(ALICE, t -> t.startsWith("⚠️ Confirm Deletion"));
    assertThat(object).as("nothing removed before the confirmation").exists();
    assertThat(confirm.keyboard().getFirst()).containsEntry("✅ Yes, delete", "del:" + f.code());

    telegram.chat(ALICE, "Alice").press(confirm.messageId(), "del:" + f.code());

    await().atMost(WAIT).until(() -> message(ALICE, confirm.messageId()).visibleText()
        .startsWith("✅ File deleted"));
    assertThat(object).doesNotExist();
    assertThat(message(ALICE, confirm.messageId()).visibleText()).doesNotContain("could not");
    assertThat(app.files().info(ALICE, f.code())).isEmpty();
  }

  @Test
  void deleteWhoseObjectCannotBeRemovedNow_saysWhatWasLeft() throws Exception {
    serve(Map.of());
    app.files().store(ALICE, List.of(Submission.localCopy(randomFile("stuck.bin", 1000))),
        e -> {});
    FileView f = app.files().list(ALICE).getFirst();
    // the object's place holds a non-empty folder: the store cannot remove it
    Path object = dir.resolve("data/storage").resolve(f.remotePath());
    Files.delete(object);
    Files.createDirectories(object.resolve("inside"));

    telegram.chat(ALICE, "Alice").text("/storage delete " + f.code());
    FakeBotApi.BotMessage confirm = awaitMessage(ALICE, t -> t.startsWith("⚠️ Confirm Deletion"));
    telegram.chat(ALICE, "Alice").press(confirm.messageId(), "del:" + f.code());

    await().atMost(WAIT).until(() -> message(ALICE, confirm.messageId()).visibleText()
        .startsWith("✅ File deleted"));
    assertThat(message(ALICE, confirm.messageId()).visibleText())
        .contains("could not remove its data yet").contains("removed automatically later");
    assertThat(app.files().info(ALICE, f.code())).isEmpty();
  }

  @Test
  void userNotAllowed_getsOneRefusalPerMessage_andNothingElseHappens() throws Exception {
    serve(Map.of());
    FakeBotApi.FakeFile file = telegram.addFile(randomFile("x.pdf", 1000), "x.pdf",
        "application/pdf");
    FakeBotApi.UserChat mallory = telegram.chat(MALLORY, "Mallory");

    mallory.text("/storage list");
    mallory.document(file, "/storage");
    mallory.text("/status");

    await().atMost(WAIT).until(() -> telegram.botMessages(MALLORY).size() == 3);
    assertThat(telegram.botMessages(MALLORY)).extracting(FakeBotApi.BotMessage::visibleText)
        .containsOnly("❌ You are not authorized to use this bot.");
    assertThat(telegram.calls("getfile")).isEmpty();
    assertThat(app.files().jobs(OptionalLong.of(MALLORY), 10)).isEmpty();
  }

  @Test
  void anotherUsersCode_readsExactlyLikeAnUnknownCode() throws Exception {
    serve(Map.of());
    app.files().store(ALICE, List.of(Submission.localCopy(randomFile("secret.txt", 500))),
        e -> {});
    String alices = app.files().list(ALICE).getFirst().code();
    String unknown = alices.equals("ZZZZZZ") ? "YYYYYY" : "ZZZZZZ";
    FakeBotApi.UserChat bob = telegram.chat(BOB, "Bob");

    for (String sub : List.of("info", "download", "delete")) {
      bob.text("/storage " + sub + " " + alices);
      bob.text("/storage " + sub + " " + unknown);
    }

    await().atMost(WAIT).until(() -> telegram.botMessages(BOB).size() == 6);
    List<String> replies = telegram.botMessages(BOB).stream()
        .map(m -> m.visibleText().replace(alices, "CODE").replace(unknown, "CODE")).toList();
    assertThat(replies).containsOnly(
        "❌ File not found with code: CODE");
    assertThat(app.files().info(ALICE, alices)).isPresent();
  }

  @Test
  void statusIsForAdminsOnly_andReadsLikeAnUnknownCommandToOthers() throws Exception {
    serve(Map.of());
    telegram.chat(BOB, "Bob").text("/status");
    telegram.chat(BOB, "Bob").text("/nosuchthing");
    telegram.chat(ALICE, "Alice").text("/status");

    await().atMost(WAIT).until(() -> telegram.botMessages(BOB).size() == 2
        && telegram.botMessages(ALICE).size() == 1);
    List<String> bob = telegram.botMessages(BOB).stream().map(FakeBotApi.BotMessage::visibleText)
        .map(t -> t.replace("/nosuchthing", "/X").replace("/status", "/X")).toList();
    assertThat(bob.get(0)).isEqualTo(bob.get(1)).startsWith("❓ Unknown command");
    assertThat(telegram.botMessages(ALICE).getFirst().visibleText())
        .contains("CPU:").contains("Memory:").contains("Throttled:").contains("Queue:")
        .contains("Transfers in flight:");
  }

  @Test
  void documentOver20MbOnTheCloudApi_isExplained_andNeverFetched() throws Exception {
    serve(Map.of());
    FakeBotApi.FakeFile big = telegram.addFile(sparseFile("big.iso", 21L << 20), "big.iso",
        "application/octet-stream");

    telegram.chat(ALICE, "Alice").document(big, "/storage");

    FakeBotApi.BotMessage reply = awaitMessage(ALICE, t -> t.startsWith("❌"));
    assertThat(reply.visibleText()).contains("big.iso").contains("20 MB")
        .contains("telegram-bot-api --local").contains("TELEGRAM_API_BASE_URL");
    assertThat(telegram.calls("getfile")).isEmpty();
    assertThat(app.files().jobs(OptionalLong.of(ALICE), 10)).isEmpty();
  }

  @Test
  void photoGetsAHintToSendAFile_whileAVideoIsStoredAsItIs() throws Exception {
    serve(Map.of());
    FakeBotApi.FakeFile photo = telegram.addFile(randomFile("p.jpg", 5000), "p.jpg", "image/jpeg");
    Path clip = randomFile("clip.mp4", 400_000);
    FakeBotApi.FakeFile video = telegram.addFile(clip, "clip.mp4", "video/mp4");

    telegram.chat(ALICE, "Alice").photo(photo, "/storage");
    awaitMessage(ALICE, t -> t.startsWith("📸") && t.contains("as a file"));
    telegram.chat(ALICE, "Alice").video(video, "/storage");

    FakeBotApi.BotMessage stored = awaitMessage(ALICE, t -> t.startsWith("✅ Stored"));
    assertThat(stored.visibleText()).contains("clip.mp4");
    assertThat(app.files().info(ALICE, code(stored)).orElseThrow().sha256())
        .isEqualTo(sha256(clip));
  }

  @Test
  void replyingStorageToADocument_storesThatDocument() throws Exception {
    serve(Map.of());
    Path original = randomFile("later.txt", 10_000);
    FakeBotApi.UserChat alice = telegram.chat(ALICE, "Alice");
    int sent = alice.document(telegram.addFile(original, "later.txt", "text/plain"), null);
    awaitMessage(ALICE, t -> t.contains("reply /storage to it"));

    alice.reply("/storage", sent);

    FakeBotApi.BotMessage stored = awaitMessage(ALICE, t -> t.startsWith("✅ Stored"));
    assertThat(app.files().info(ALICE, code(stored)).orElseThrow().sha256())
        .isEqualTo(sha256(original));
  }

  @Test
  void modeQueueCancelAndUnknown_answerInOneMessageEach() throws Exception {
    serve(Map.of());
    FakeBotApi.UserChat alice = telegram.chat(ALICE, "Alice");

    alice.text("/mode chat");
    awaitMessage(ALICE, t -> t.startsWith("✅ From now on"));
    alice.text("/queue");
    awaitMessage(ALICE, t -> t.contains("no jobs"));
    alice.text("/cancel 4242");
    awaitMessage(ALICE, t -> t.startsWith("❌") && t.contains("4242"));
    alice.text("/frobnicate <b>");
    awaitMessage(ALICE, t -> t.startsWith("❓ Unknown command: /frobnicate"));

    assertThat(app.files().mode(ALICE)).isEqualTo(Submission.Mode.CHAT);
    assertThat(telegram.botMessages(ALICE)).hasSize(4);
  }

  @Test
  void startsPolling_afterDeletingTheWebhook_withTheCommandMenu() throws Exception {
    telegram.setWebhook("https://example.org/hook");
    serve(Map.of());

    assertThat(telegram.webhook()).isEmpty();
    assertThat(app.files().status().components().get("bot").up()).isTrue();
    assertThat(telegram.commands()).extracting(c -> c.get("command"))
        .contains("storage", "download", "mode", "queue", "cancel", "help");
  }

  // ---------------------------------------------------------------- helpers

  private FakeBotApi.BotMessage awaitMessage(long chat,
      Predicate<String> visible) {
    return await().atMost(WAIT).until(() -> find(chat, visible), Optional::isPresent)
        .orElseThrow();
  }

  private Optional<FakeBotApi.BotMessage> find(long chat,
      Predicate<String> visible) {
    return telegram.botMessages(chat).stream()
        .filter(m -> m.visibleText() != null && visible.test(m.visibleText())).findFirst();
  }

  private FakeBotApi.BotMessage message(long chat, int id) {
    return telegram.botMessages(chat).stream().filter(m -> m.messageId() == id).findFirst()
        .orElseThrow();
  }

  private static String code(FakeBotApi.BotMessage m) {
    Matcher matcher = CODE.matcher(m.visibleText());
    assertThat(matcher.find()).as("a code in: %s", m.visibleText()).isTrue();
    return matcher.group(1);
  }

  private static List<String> codes(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("📄 ([A-Z0-9]{6}) - ").matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private Path randomFile(String name, int size) throws IOException {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return Files.write(dir.resolve(name), b);
  }

  /** Random head and tail around a hole: cheap at any size. */
  private Path sparseFile(String name, long size) throws IOException {
    Path p = dir.resolve(name);
    Random random = new Random(size);
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      byte[] edge = new byte[1 << 20];
      random.nextBytes(edge);
      raf.write(edge);
      raf.setLength(size);
      random.nextBytes(edge);
      raf.seek(size - edge.length);
      raf.write(edge);
    }
    return p;
  }

  static String sha256(Path p) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
