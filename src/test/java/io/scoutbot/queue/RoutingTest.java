package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.fetch.JobSource;
import io.scoutbot.files.FileDesk;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.Submission;
import io.scoutbot.files.Subscription;
import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original bot's Flow C, brought back: a fetched file small enough goes to the chat it came
 * from, a larger one is stored, the user's /mode overrides it, and a file that cannot be stored
 * goes to the chat when it fits.
 */
class RoutingTest {

  private static final long CHAT = -100123;

  @TempDir Path dir;
  private QueueHarness h;
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 2, 2);
    // store above 1000 bytes; the chat takes up to 5000
    h.routing = new JobRunner.Routing(1000, 5000, (chatId, file, name, mime, note) -> {
      assertThat(file).exists();
      try {
        sent.add(chatId + " " + name + " " + Files.size(file) + (note == null ? "" : " " + note));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    h.useFetchers(io.scoutbot.fetch.Fetchers.localOnly());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private Job submit(String name, int size, Route route) throws Exception {
    Path f = h.spool.copyIn(h.file(name, size));
    Job job = h.queue.enqueue(new NewJob(7, new JobSource.LocalFile(f, QueueHarness.NODE, true),
        name, size, "local", null, route));
    h.runDue(Set.of(job.id()));
    return h.queue.find(job.id()).orElseThrow();
  }

  @Test
  void auto_aSmallFile_goesToTheChat_withoutACodeLeftBehind() throws Exception {
    Job job = submit("clip.mp4", 800, new Route(Route.Kind.AUTO, CHAT));

    assertThat(sent).containsExactly(CHAT + " clip.mp4 800");
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.delivered()).isTrue();
    assertThat(h.storage.objects).isEmpty();
    assertThat(h.catalog.find(7, job.code())).as("no code points at nothing").isEmpty();
    assertThat(((JobSource.LocalFile) job.source()).path()).doesNotExist();
  }

  @Test
  void auto_aFileAboveTheThreshold_isStored() throws Exception {
    Job job = submit("movie.mkv", 3000, new Route(Route.Kind.AUTO, CHAT));

    assertThat(sent).isEmpty();
    assertThat(job.delivered()).isFalse();
    assertThat(h.catalog.find(7, job.code()).orElseThrow().sha256()).isNotNull();
  }

  @Test
  void chat_sendsEvenLargerFiles_butWhatTelegramCannotTakeIsStored() throws Exception {
    submit("mid.bin", 3000, new Route(Route.Kind.CHAT, CHAT));
    Job huge = submit("huge.bin", 9000, new Route(Route.Kind.CHAT, CHAT));

    assertThat(sent).containsExactly(CHAT + " mid.bin 3000");
    assertThat(huge.delivered()).isFalse();
    assertThat(h.storage.objects).hasSize(1);
  }

  @Test
  void store_neverSends() throws Exception {
    submit("tiny.txt", 10, Route.STORE);

    assertThat(sent).isEmpty();
    assertThat(h.storage.objects).hasSize(1);
  }

  @Test
  void auto_whenStoringFailsForGood_andTheChatCanTakeIt_sendsItThereAndSaysWhy()
      throws Exception {
    h.storage.failure = r -> new StorageException("Pentaract refused the file",
        Disposition.PERMANENT);

    Job job = submit("big.bin", 3000, new Route(Route.Kind.AUTO, CHAT));

    assertThat(sent).containsExactly(CHAT + " big.bin 3000 storing failed (Pentaract refused"
        + " the file), so it was sent here instead");
    assertThat(job.delivered()).isTrue();
  }

  @Test
  void theFacade_tellsADeliveredJob_andRemembersEachUsersMode() throws Exception {
    try (FileDesk desk = h.desk()) {
      assertThat(desk.mode(7)).isEqualTo(Submission.Mode.AUTO);
      desk.setMode(7, Submission.Mode.CHAT);
      assertThat(desk.mode(7)).isEqualTo(Submission.Mode.CHAT);
      assertThat(desk.mode(8)).isEqualTo(Submission.Mode.AUTO);
      desk.setMode(7, Submission.Mode.STORAGE);
      assertThat(desk.mode(7)).isEqualTo(Submission.Mode.STORAGE);

      List<JobEvent> events = new CopyOnWriteArrayList<>();
      try (Subscription s = desk.subscribe(OptionalLong.of(7), Duration.ZERO, events::add)) {
        var job = desk.submit(7, Submission.localCopy(h.file("note.txt", 100))
            .inChat(CHAT, Submission.Mode.AUTO));
        h.runDue(Set.of(job.id()));
        await().atMost(Duration.ofSeconds(10)).until(
            () -> !events.isEmpty() && events.getLast() instanceof JobEvent.Delivered);
        assertThat(events.getLast().job().delivered()).isTrue();
      }
    }
  }
}
