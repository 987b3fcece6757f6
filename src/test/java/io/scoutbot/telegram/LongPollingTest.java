package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.scoutbot.retry.Disposition;
import io.scoutbot.testing.LogCapture;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LongPollingTest {

  private static final long BOB = 5551234;
  private static final List<BotCommand> COMMANDS = List.of(
      new BotCommand("start", "Start the bot"),
      new BotCommand("storage", "Store a file, list or get your files"));

  @TempDir Path dir;
  private TelegramFixture f;
  private Updates updates;
  private final List<Incoming> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    f = TelegramFixture.start(dir, FakeBotApi.Mode.CLOUD);
    updates = Updates.longPolling(f.api, Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() {
    updates.close();
    f.close();
  }

  @Test
  void start_checksTheToken_removesTheWebhook_registersCommands_thenPolls() throws Exception {
    f.fake.setWebhook("https://example.invalid/hook");

    BotIdentity me = updates.start(COMMANDS, received::add);

    assertThat(me).isEqualTo(new BotIdentity(f.fake.botId(), f.fake.botUsername()));
    assertThat(f.fake.webhook()).isEmpty();
    assertThat(f.fake.commands()).containsExactly(
        Map.of("command", "start", "description", "Start the bot"),
        Map.of("command", "storage", "description", "Store a file, list or get your files"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !f.fake.calls("getupdates").isEmpty());
    List<String> order = f.fake.calls().stream().map(FakeBotApi.Call::method).distinct().toList();
    assertThat(order).startsWith("getme", "deletewebhook", "setmycommands");
    assertThat(f.fake.calls("getupdates").get(0).params()).containsEntry("timeout", "1");
  }

  @Test
  void messagesOfEveryKind_arriveInOrder_asIncoming() throws Exception {
    updates.start(COMMANDS, received::add);
    FakeBotApi.UserChat bob = f.fake.chat(BOB, "Bob");
    FakeBotApi.FakeFile doc =
        f.fake.addFile(TelegramFixture.random(dir, "a.pdf", 1000), "report <1>.pdf",
            "application/pdf");
    FakeBotApi.FakeFile clip =
        f.fake.addFile(TelegramFixture.random(dir, "c.mp4", 2000), "clip.mp4", "video/mp4");
    FakeBotApi.FakeFile song =
        f.fake.addFile(TelegramFixture.random(dir, "s.mp3", 3000), "song.mp3", "audio/mpeg");
    FakeBotApi.FakeFile pic =
        f.fake.addFile(TelegramFixture.random(dir, "p.jpg", 4000), "p.jpg", "image/jpeg");

    int text = bob.text("/start");
    bob.document(doc, "/storage");
    bob.video(clip, null);
    bob.audio(song, "/storage");
    bob.photo(pic, "/storage");
    bob.reply("/storage", text);

    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 6);
    Incoming.Message t = (Incoming.Message) received.get(0);
    assertThat(t.text()).isEqualTo("/start");
    assertThat(t.command()).isEqualTo("/start");
    assertThat(t.userId()).isEqualTo(BOB);
    assertThat(t.chatId()).isEqualTo(BOB);
    assertThat(t.userName()).isEqualTo("Bob");
    assertThat(t.date()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(t.attachment()).isNull();

    Incoming.Message d = (Incoming.Message) received.get(1);
    assertThat(d.command()).isEqualTo("/storage");
    assertThat(d.attachment()).isEqualTo(new Incoming.Attachment(Incoming.Kind.DOCUMENT,
        doc.fileId(), doc.fileUniqueId(), "report <1>.pdf", "application/pdf", 1000));
    assertThat(((Incoming.Message) received.get(2)).attachment().kind())
        .isEqualTo(Incoming.Kind.VIDEO);
    assertThat(((Incoming.Message) received.get(3)).attachment())
        .extracting(Incoming.Attachment::kind, Incoming.Attachment::fileName)
        .containsExactly(Incoming.Kind.AUDIO, "song.mp3");
    Incoming.Attachment photo = ((Incoming.Message) received.get(4)).attachment();
    assertThat(photo.kind()).isEqualTo(Incoming.Kind.PHOTO);
    assertThat(photo.fileId()).as("the largest size").isEqualTo(pic.fileId());
    Incoming.Message reply = (Incoming.Message) received.get(5);
    assertThat(reply.replyTo().ref()).isEqualTo(new MessageRef(BOB, text));
    assertThat(reply.replyTo().text()).isEqualTo("/start");
    assertThat(received).extracting(Incoming::updateId).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void buttonPress_arrivesAsCallback_andIsAnswered() throws Exception {
    updates.start(COMMANDS, received::add);
    f.fake.chat(BOB, "Bob");
    MessageRef question = Messages.over(f.api).send(BOB, Html.text("Delete?"),
        Keyboard.row(new Keyboard.Button("Yes", "del:ABC123")));

    String id = f.fake.chat(BOB, "Bob").press(question.messageId(), "del:ABC123");

    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    Incoming.Callback c = (Incoming.Callback) received.get(0);
    assertThat(c.id()).isEqualTo(id);
    assertThat(c.data()).isEqualTo("del:ABC123");
    assertThat(c.message()).isEqualTo(question);
    assertThat(c.userId()).isEqualTo(BOB);
    CallbackAnswers.over(f.api).answer(c.id(), "Deleted", false);
    assertThat(f.fake.callbackAnswers())
        .containsExactly(new FakeBotApi.CallbackAnswer(id, "Deleted", false));
  }

  @Test
  void handledUpdates_areConfirmedByTheNextPoll() throws Exception {
    updates.start(COMMANDS, received::add);

    f.fake.chat(BOB, "Bob").text("one");
    f.fake.chat(BOB, "Bob").text("two");

    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.fake.pendingUpdates() == 0);
  }

  @Test
  void aHandlerThatThrows_losesOnlyThatUpdate_andPollingGoesOn() throws Exception {
    try (LogCapture log = LogCapture.of(LongPolling.class)) {
      updates.start(COMMANDS, in -> {
        if ("boom".equals(((Incoming.Message) in).text())) {
          throw new IllegalStateException("handler bug");
        }
        received.add(in);
      });

      f.fake.chat(BOB, "Bob").text("boom");
      f.fake.chat(BOB, "Bob").text("after");

      await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
      assertThat(((Incoming.Message) received.get(0)).text()).isEqualTo("after");
      assertThat(log.messages(Level.ERROR)).singleElement().asString()
          .contains("was not handled (java.lang.IllegalStateException: handler bug); it is "
              + "skipped");
    }
  }

  @Test
  void a429OnPolling_isWaitedOut_andUpdatesStillArrive() throws Exception {
    f.fake.tooManyRequests("getUpdates", 1, 4);

    updates.start(COMMANDS, received::add);
    f.fake.chat(BOB, "Bob").text("hi");

    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    assertThat(f.sleeper.slept()).contains(Duration.ofSeconds(4));
  }

  @Test
  void start_withAWrongToken_failsPermanently_namingBotToken_andPollsNothing() throws Exception {
    try (BotApi wrong = f.apiWithToken("123456789:AAwrongwrongwrongwrongwrongwrongwro");
        Updates u = Updates.longPolling(wrong, Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> u.start(COMMANDS, received::add))
          .isInstanceOfSatisfying(BotApiFailure.class, e -> {
            assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
            assertThat(e.getMessage()).startsWith("BOT_TOKEN is not valid")
                .doesNotContain("wrongwrong");
          });
    }
    assertThat(f.fake.calls("getupdates")).isEmpty();
  }

  @Test
  void close_stopsPollingPromptly_evenDuringALongPoll() throws Exception {
    Updates longPoll = Updates.longPolling(f.api, Duration.ofSeconds(50));
    longPoll.start(COMMANDS, received::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> !f.fake.calls("getupdates").isEmpty());

    long start = System.nanoTime();
    longPoll.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    int polls = f.fake.calls("getupdates").size();
    f.fake.chat(BOB, "Bob").text("too late");
    Thread.sleep(300);
    assertThat(f.fake.calls("getupdates")).hasSize(polls);
    assertThat(received).isEmpty();
  }

  @Test
  void start_afterAFailedStart_canBeTriedAgain() throws Exception {
    f.fake.failNext("getme", 502, "text/html", "<html>Bad Gateway</html>");

    assertThatThrownBy(() -> updates.start(COMMANDS, received::add))
        .isInstanceOfSatisfying(BotApiFailure.class,
            e -> assertThat(e.disposition()).isEqualTo(Disposition.RETRY));
    BotIdentity me = updates.start(COMMANDS, received::add);

    assertThat(me.username()).isEqualTo(f.fake.botUsername());
  }

  @Test
  void start_twice_isRefused() throws Exception {
    updates.start(COMMANDS, received::add);

    assertThatThrownBy(() -> updates.start(COMMANDS, received::add))
        .isInstanceOf(IllegalStateException.class);
  }
}
