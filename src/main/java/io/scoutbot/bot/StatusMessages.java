package io.scoutbot.bot;

import io.scoutbot.files.FileView;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.JobView;
import io.scoutbot.retry.ScoutFailure;
import io.scoutbot.telegram.Html;
import io.scoutbot.telegram.Keyboard;
import io.scoutbot.telegram.MessageRef;
import io.scoutbot.telegram.Messages;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each bot job's status message (named by the job's tag) up to date from its events: at most
 * one edit per message every {@code minInterval}, and only when the text changes. A text that
 * arrives too early waits and is shown by {@link #flushDue()} once its time has come, so the last
 * word on a job (stored, failed) is never dropped. Thread-safe: events arrive on the facade's
 * delivery thread, flushes on the bot's ticker.
 */
final class StatusMessages implements Consumer<JobEvent> {

  private static final Logger log = LoggerFactory.getLogger(StatusMessages.class);
  private static final int GONE_KEPT = 1000;

  /** What one message shows and what it is to show next. */
  private static final class Shown {
    Html text;
    Instant editedAt;
    Html pending;
    boolean last;
  }

  private final Messages messages;
  private final InstantSource clock;
  private final Duration minInterval;
  private final Function<JobView, Optional<FileView>> stored;
  private final Map<MessageRef, Shown> shown = new HashMap<>();
  /**
   * Messages that could not be edited (deleted, or the bot blocked): not tried again. Forgotten at
   * their job's last event, and bounded, so a long uptime does not collect them for ever; one that
   * is forgotten too early costs one more refused edit.
   */
  private final Set<MessageRef> gone = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<MessageRef, Boolean> eldest) {
      return size() > GONE_KEPT;
    }
  });

  /**
   * @param stored the catalog's entry for a completed job's file
   */
  StatusMessages(Messages messages, InstantSource clock, Duration minInterval,
      Function<JobView, Optional<FileView>> stored) {
    this.messages = messages;
    this.clock = clock;
    this.minInterval = minInterval;
    this.stored = stored;
  }

  /** Remembers what a status message showed when the bot sent it. */
  synchronized void sent(MessageRef message, Html text) {
    Shown s = shown.computeIfAbsent(message, m -> new Shown());
    s.text = text;
  }

  @Override
  public void accept(JobEvent event) {
    Optional<MessageRef> ref = StatusTag.parse(event.job().tag());
    if (ref.isEmpty()) {
      return; // not a bot job
    }
    Html text = StatusText.of(event, clock.instant(), stored);
    try {
      offer(ref.get(), text, event.last());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shows {@code text} now if the message may be edited now, else when it may. */
  synchronized void offer(MessageRef message, Html text, boolean last)
      throws InterruptedException {
    if (gone.contains(message)) {
      if (last) {
        gone.remove(message); // no event of this job follows
      }
      return;
    }
    Shown s = shown.computeIfAbsent(message, m -> new Shown());
    s.last |= last;
    if (text.equals(s.text)) {
      s.pending = null;
      forgetIfDone(message, s);
      return;
    }
    Instant now = clock.instant();
    if (s.editedAt == null || !now.isBefore(s.editedAt.plus(minInterval))) {
      edit(message, s, text, now);
    } else {
      s.pending = text;
    }
  }

  /** Shows every waiting text whose time has come. */
  synchronized void flushDue() throws InterruptedException {
    Instant now = clock.instant();
    for (Map.Entry<MessageRef, Shown> e : List.copyOf(shown.entrySet())) {
      Shown s = e.getValue();
      if (s.pending != null && !now.isBefore(s.editedAt.plus(minInterval))) {
        edit(e.getKey(), s, s.pending, now);
      }
    }
  }

  /** Messages with a text still waiting for its turn (for tests and the log). */
  synchronized int waiting() {
    return (int) shown.values().stream().filter(s -> s.pending != null).count();
  }

  private void edit(MessageRef message, Shown s, Html text, Instant now)
      throws InterruptedException {
    s.pending = null;
    s.editedAt = now;
    try {
      messages.edit(message, text, Keyboard.NONE);
      s.text = text;
    } catch (ScoutFailure f) {
      if (f.disposition().retryable()) {
        // a hiccup (5xx, a dropped connection, a long 429): the text waits for the next turn
        log.debug("Status message {} in chat {} not updated this time: {}", message.messageId(),
            message.chatId(), f.getMessage());
        s.pending = text;
        return;
      }
      // the user deleted the message or blocked the bot: the job goes on without it
      log.info("Could not update status message {} in chat {}: {}", message.messageId(),
          message.chatId(), f.getMessage());
      shown.remove(message);
      gone.add(message);
      return;
    }
    forgetIfDone(message, s);
  }

  private void forgetIfDone(MessageRef message, Shown s) {
    if (s.last && s.pending == null) {
      shown.remove(message);
    }
  }
}
