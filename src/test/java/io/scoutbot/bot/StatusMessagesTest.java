package io.scoutbot.bot;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.files.FileView;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.JobView;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.telegram.Html;
import io.scoutbot.telegram.Keyboard;
import io.scoutbot.telegram.MessageRef;
import io.scoutbot.telegram.Messages;
import io.scoutbot.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Status messages: one per job, edited from its events, at most every 5 s and only on change. */
class StatusMessagesTest {

  private static final MessageRef STATUS = new MessageRef(111, 7);

  private final ManualClock clock = new ManualClock();
  private final RecordingMessages messages = new RecordingMessages();
  private Optional<FileView> catalog = Optional.empty();
  private final StatusMessages status = new StatusMessages(messages, clock,
      Duration.ofSeconds(5), j -> catalog);

  @Test
  void edits_atMostOncePer5Seconds_showingTheLatestTextWhenItsTimeComes() throws Exception {
    status.accept(progress(10));
    clock.advance(Duration.ofSeconds(1));
    status.accept(progress(20));
    clock.advance(Duration.ofSeconds(1));
    status.accept(progress(30));
    clock.advance(Duration.ofSeconds(2));
    status.flushDue();

    assertThat(messages.edits).hasSize(1);
    assertThat(messages.last()).contains("10.0MiB of 100.0MiB");

    clock.advance(Duration.ofSeconds(1));
    status.flushDue();

    assertThat(messages.edits).hasSize(2);
    assertThat(messages.last()).as("the latest, not the one in between")
        .contains("30.0MiB of 100.0MiB").contains("[████░░░░░░░░] 30%");
    assertThat(status.waiting()).isZero();
  }

  @Test
  void sameText_isNeverEditedAgain() throws Exception {
    status.accept(new JobEvent.Waiting(job("a.pdf", JobView.State.PENDING), "CPU at 95%"));
    clock.advance(Duration.ofSeconds(30));
    status.accept(new JobEvent.Waiting(job("a.pdf", JobView.State.PENDING), "CPU at 95%"));
    status.flushDue();

    assertThat(messages.edits).singleElement().asString()
        .contains("Waiting for resources: CPU at 95%");
  }

  @Test
  void lastWordOnAJob_isShownLater_neverDropped() throws Exception {
    status.accept(progress(90));
    clock.advance(Duration.ofSeconds(1));
    catalog = Optional.of(file(FileView.State.COMPLETED));
    status.accept(new JobEvent.Completed(job("a.pdf", JobView.State.COMPLETED), null));
    assertThat(messages.edits).hasSize(1);

    clock.advance(Duration.ofSeconds(4));
    status.flushDue();

    assertThat(messages.last()).startsWith("✅ Stored").contains("Code: <code>ABC123</code>");
  }

  @Test
  void completed_saysStoredOnlyWhenTheCatalogDoes() throws Exception {
    catalog = Optional.of(file(FileView.State.UPLOADING));
    status.accept(new JobEvent.Completed(job("a.pdf", JobView.State.COMPLETED), null));

    assertThat(messages.last()).doesNotContain("✅").contains("not listed as stored");
  }

  @Test
  void userText_isEscaped() throws Exception {
    status.accept(new JobEvent.Failed(job("<b>&x.pdf", JobView.State.FAILED), "bad <thing>",
        false));

    assertThat(messages.last()).contains("&lt;b&gt;&amp;x.pdf").contains("bad &lt;thing&gt;")
        .startsWith("❌");
  }

  @Test
  void jobsOfOtherFrontEnds_areLeftAlone() throws Exception {
    JobView cli = new JobView(1, 111, "ABC123", "a.pdf", 10, JobView.State.RUNNING, "local_file",
        "/tmp/a.pdf", 1, 0, null, null, null, 0, null, null, false, false, null,
        Instant.EPOCH, null, null);
    status.accept(new JobEvent.Started(cli));

    assertThat(messages.edits).isEmpty();
  }

  @Test
  void editThatFailsForAMoment_isMadeAgainAtTheNextTurn() throws Exception {
    messages.failNext = new ScoutFailure("Telegram answered 502", Disposition.RETRY);
    status.accept(new JobEvent.Cancelled(job("a.pdf", JobView.State.CANCELLED)));
    assertThat(messages.edits).isEmpty();

    clock.advance(Duration.ofSeconds(5));
    status.flushDue();

    assertThat(messages.edits).singleElement().asString().contains("Cancelled.");
  }

  @Test
  void messageTheUserDeleted_isLeftAlone() throws Exception {
    messages.failNext = new ScoutFailure("Bad Request: message to edit not found",
        Disposition.PERMANENT);
    status.accept(progress(10));
    clock.advance(Duration.ofSeconds(10));
    status.accept(progress(50));
    status.flushDue();

    assertThat(messages.attempts).isEqualTo(1);
    assertThat(messages.edits).isEmpty();
  }

  @Test
  void messageTheUserDeleted_isForgotten_onceItsJobHasEnded() throws Exception {
    messages.failNext = new ScoutFailure("Bad Request: message to edit not found",
        Disposition.PERMANENT);
    status.accept(progress(10));
    status.accept(new JobEvent.Failed(job("a.pdf", JobView.State.FAILED), "refused", false));
    assertThat(messages.attempts).as("the end is not shown on a deleted message").isEqualTo(1);

    clock.advance(Duration.ofSeconds(10));
    status.accept(progress(20)); // the same message id, after the job ended: not remembered

    assertThat(messages.attempts).isEqualTo(2);
  }

  @Test
  void queued_showsPositionAndEta() throws Exception {
    status.accept(new JobEvent.Queued(job("a.pdf", JobView.State.PENDING), 3,
        clock.instant().plusSeconds(125)));

    assertThat(messages.last()).contains("number 3 in line").contains("about 2 min 05 s");
  }

  private JobEvent progress(long mib) {
    return new JobEvent.Progress(job("a.pdf", JobView.State.RUNNING), "storing", mib << 20,
        100L << 20, 2 << 20, clock.instant().plusSeconds(10));
  }

  private JobView job(String name, JobView.State state) {
    return new JobView(1, 111, "ABC123", name, 100L << 20, state, "telegram", "file-id", 1, 0,
        null, null, null, 0, null, null, false, false, StatusTag.of(STATUS), Instant.EPOCH, null,
        null);
  }

  private static FileView file(FileView.State state) {
    return new FileView("ABC123", "a.pdf", 100L << 20, "00", "application/pdf", "local",
        "x/ABC123", 1, state, null, Instant.EPOCH, null, null);
  }

  /** Records edits of the status message. */
  private static final class RecordingMessages implements Messages {
    final List<String> edits = new CopyOnWriteArrayList<>();
    volatile ScoutFailure failNext;
    volatile int attempts;

    @Override
    public MessageRef send(long chatId, Html text, Keyboard keyboard) {
      throw new UnsupportedOperationException("status messages are only edited");
    }

    @Override
    public MessageRef reply(MessageRef to, Html text, Keyboard keyboard) {
      throw new UnsupportedOperationException("status messages are only edited");
    }

    @Override
    public boolean edit(MessageRef message, Html text, Keyboard keyboard) {
      assertThat(message).isEqualTo(STATUS);
      attempts++;
      ScoutFailure f = failNext;
      if (f != null) {
        failNext = null;
        throw f;
      }
      edits.add(text.markup());
      return true;
    }

    @Override
    public void delete(MessageRef message) {
      throw new UnsupportedOperationException("status messages are only edited");
    }

    String last() {
      return edits.getLast();
    }
  }
}
