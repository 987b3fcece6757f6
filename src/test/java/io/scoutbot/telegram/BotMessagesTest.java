package io.scoutbot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.retry.Disposition;
import io.scoutbot.testing.telegram.FakeBotApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BotMessagesTest {

  private static final long ALICE = 424242;

  @TempDir Path dir;
  private TelegramFixture f;
  private Messages messages;

  @BeforeEach
  void start() throws Exception {
    f = TelegramFixture.start(dir, FakeBotApi.Mode.CLOUD);
    f.fake.chat(ALICE, "Alice");
    messages = Messages.over(f.api);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void send_escapesUserText_soTelegramParsesItAndShowsItAsWritten() throws Exception {
    String name = "<b>report</b> & \"notes\" <script>.pdf";

    MessageRef ref = messages.send(ALICE, Html.format("📄 <b>%s</b> is stored", name),
        Keyboard.NONE);

    FakeBotApi.BotMessage m = f.fake.botMessages(ALICE).get(0);
    assertThat(m.messageId()).isEqualTo(ref.messageId());
    assertThat(m.visibleText()).isEqualTo("📄 " + name + " is stored");
    assertThat(f.fake.calls("sendmessage").get(0).params().get("parse_mode"))
        .isEqualToIgnoringCase("HTML");
  }

  @Test
  void send_unescapedMarkup_isRefusedByTheFakeAsByTelegram_permanently() {
    // the guard the escaping test relies on: the fake really parses HTML (a template is trusted
    // markup, so this one skips escaping on purpose)
    assertThatThrownBy(() -> messages.send(ALICE, Html.format("a <script> b"), Keyboard.NONE))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("Unsupported start tag \"script\"");
        });
  }

  @Test
  void send_textLongerThanTheLimit_arrivesCutToFit() throws Exception {
    String longText = "x".repeat(5000);

    messages.send(ALICE, Html.text(longText), Keyboard.NONE);

    String shown = f.fake.botMessages(ALICE).get(0).visibleText();
    assertThat(shown).hasSize(Html.MESSAGE_LIMIT).endsWith("…");
  }

  @Test
  void reply_andKeyboard_arriveAsSent() throws Exception {
    int userMessage = f.fake.chat(ALICE, "Alice").text("/storage delete ABC123");

    MessageRef ref = messages.reply(new MessageRef(ALICE, userMessage),
        Html.text("Delete it?"), Keyboard.row(new Keyboard.Button("✅ Yes", "del:ABC123"),
            new Keyboard.Button("❌ No", "cancel")));

    FakeBotApi.BotMessage m = f.fake.botMessages(ALICE).get(0);
    assertThat(m.messageId()).isEqualTo(ref.messageId());
    assertThat(m.replyTo()).isEqualTo(userMessage);
    assertThat(m.keyboard()).containsExactly(Map.of("✅ Yes", "del:ABC123", "❌ No", "cancel"));
  }

  @Test
  void edit_withChangedText_returnsTrue_andTheSameText_returnsFalseWithoutFailing()
      throws Exception {
    MessageRef ref = messages.send(ALICE, Html.text("⏳ queued"), Keyboard.NONE);

    boolean changed = messages.edit(ref, Html.text("⬆️ uploading 10%"), Keyboard.NONE);
    boolean again = messages.edit(ref, Html.text("⬆️ uploading 10%"), Keyboard.NONE);

    assertThat(changed).isTrue();
    assertThat(again).isFalse();
    FakeBotApi.BotMessage m = f.fake.botMessages(ALICE).get(0);
    assertThat(m.visibleText()).isEqualTo("⬆️ uploading 10%");
    assertThat(m.edits()).isEqualTo(1);
  }

  @Test
  void edit_withKeyboardNone_removesTheKeyboard() throws Exception {
    MessageRef ref = messages.send(ALICE, Html.text("Delete?"),
        Keyboard.row(new Keyboard.Button("Yes", "y")));

    assertThat(messages.edit(ref, Html.text("Delete?"), Keyboard.NONE)).isTrue();

    assertThat(f.fake.botMessages(ALICE).get(0).keyboard()).isEmpty();
  }

  @Test
  void delete_removesTheMessage_andDeletingAGoneMessageIsNoError() throws Exception {
    MessageRef ref = messages.send(ALICE, Html.text("bye"), Keyboard.NONE);

    messages.delete(ref);
    messages.delete(ref);

    assertThat(f.fake.botMessages(ALICE).get(0).deleted()).isTrue();
    assertThat(f.fake.calls("deletemessage")).hasSize(2);
  }

  @Test
  void send_meetingOne429_waitsRetryAfter_andIsMadeExactlyOnceMore() throws Exception {
    f.fake.tooManyRequests("sendMessage", 1, 3);

    messages.send(ALICE, Html.text("hello"), Keyboard.NONE);

    assertThat(f.sleeper.slept()).containsExactly(Duration.ofSeconds(3));
    assertThat(f.fake.calls("sendmessage")).hasSize(2);
    assertThat(f.fake.botMessages(ALICE)).hasSize(1);
  }

  @Test
  void send_meetingTwo429s_failsWithRetryAfter_forTheCallerToReschedule() {
    f.fake.tooManyRequests("sendmessage", 2, 7);

    assertThatThrownBy(() -> messages.send(ALICE, Html.text("hello"), Keyboard.NONE))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.retryAfter(Duration.ofSeconds(7)));
          assertThat(e.errorCode()).isEqualTo(429);
        });
    assertThat(f.fake.calls("sendmessage")).hasSize(2);
  }

  @Test
  void send_with429AskingForMoreThanAMinute_isNotWaitedInLine() {
    f.fake.tooManyRequests("sendmessage", 1, 600);

    assertThatThrownBy(() -> messages.send(ALICE, Html.text("hello"), Keyboard.NONE))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> assertThat(e.disposition())
            .isEqualTo(Disposition.retryAfter(Duration.ofSeconds(600))));
    assertThat(f.sleeper.slept()).isEmpty();
    assertThat(f.fake.calls("sendmessage")).hasSize(1);
  }

  @Test
  void send_toAUserWhoBlockedTheBot_failsPermanently_sayingSo() {
    f.fake.blockedBy(ALICE);

    assertThatThrownBy(() -> messages.send(ALICE, Html.text("hello"), Keyboard.NONE))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> {
          assertThat(e.blockedByUser()).isTrue();
          assertThat(e.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(e.getMessage()).contains("blocked the bot");
        });
  }

  @Test
  void send_answeredByAProxyErrorPage_isRetried_notPermanent() {
    f.fake.failNext("sendmessage", 502, "text/html", "<html><body>Bad Gateway</body></html>");

    assertThatThrownBy(() -> messages.send(ALICE, Html.text("hello"), Keyboard.NONE))
        .isInstanceOfSatisfying(BotApiFailure.class, e -> {
          assertThat(e.disposition()).isEqualTo(Disposition.RETRY);
          assertThat(e.getMessage()).contains("HTTP 502");
        });
  }

  @Test
  void sends_fromManyThreads_allArrive() throws Exception {
    List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          messages.send(ALICE, Html.text("message " + n), Keyboard.NONE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(f.fake.botMessages(ALICE)).hasSize(8);
  }
}
