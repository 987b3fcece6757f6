package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.files.FileDesk;
import io.scoutbot.files.FileView;
import io.scoutbot.files.Submission;
import io.scoutbot.files.UploadOutcome;
import io.scoutbot.queue.Job;
import io.scoutbot.queue.JobState;
import io.scoutbot.queue.QueueHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file desk front ends use, storing in Pentaract: catalog entries, empty files, outages. */
class PentaractFileDeskTest {

  @TempDir Path dir;
  private PentaractFixture f;
  private QueueHarness queue;
  private FileDesk desk;

  @BeforeEach
  void start() throws IOException {
    f = PentaractFixture.start(dir.resolve("pentaract"), 128 << 10);
    queue = new QueueHarness(dir.resolve("queue"), 2, 2, f.target());
    desk = queue.desk();
  }

  @AfterEach
  void stop() {
    desk.close();
    queue.close();
    f.close();
  }

  private FileView upload(long owner, Path file) throws InterruptedException {
    UploadOutcome u = desk.store(owner, List.of(Submission.localFile(file)), e -> {}).get(0);
    assertThat(u.ok()).as(u.error()).isTrue();
    return u.file();
  }

  @Test
  void segmentedFile_isCatalogedWithItsManifest_andComesBackIdentical() throws Exception {
    Path src = random("movie.mkv", 500_000);

    FileView stored = upload(7, src);
    Path back = desk.download(7, stored.code(), dir.resolve("back.mkv"), bytes -> {});

    assertThat(stored.state()).isEqualTo(FileView.State.COMPLETED);
    assertThat(stored.backend()).isEqualTo("pentaract");
    assertThat(stored.segments()).isEqualTo(4);
    assertThat(stored.remotePath())
        .isEqualTo("scoutbot/" + stored.code() + "/movie.mkv.segments/manifest.json");
    assertThat(Files.mismatch(src, back)).isEqualTo(-1);
  }

  @Test
  void delete_removesEveryRemoteRowOfTheFile() throws Exception {
    FileView stored = upload(7, random("gone.bin", 300_000));

    desk.delete(7, stored.code());

    assertThat(f.fake.files(f.storageId)).isEmpty();
    assertThat(f.fake.rows(f.storageId)).noneMatch(r -> r.contains(stored.code()));
  }

  @Test
  void emptyFile_isStoredWithoutARemoteObject_andStillDownloadsAndDeletes() throws Exception {
    Path src = Files.write(dir.resolve("empty.txt"), new byte[0]);

    FileView stored = upload(7, src);
    Path back = desk.download(7, stored.code(), dir.resolve("empty-back.txt"), bytes -> {});
    desk.delete(7, stored.code());

    assertThat(stored.size()).isZero();
    assertThat(stored.segments()).isZero();
    assertThat(stored.remotePath()).startsWith("empty:");
    assertThat(back).isEmptyFile();
    assertThat(f.fake.rows(f.storageId)).isEmpty();
    assertThat(f.fake.count("POST upload_to")).isZero();
  }

  @Test
  void pentaractDown_keepsTheJobQueued_andNothingIsMarkedStored() throws Exception {
    f.fake.stop();
    Job job = queue.submit(7, "later.bin", 1000, true);

    queue.runDue(Set.of(job.id()));

    Job after = queue.board().find(job.id()).orElseThrow();
    assertThat(after.state()).isEqualTo(JobState.PENDING);
    assertThat(after.lastError()).contains("unavailable");
    assertThat(after.failures()).isZero();
    assertThat(desk.list(7)).isEmpty();
    assertThat(desk.info(7, job.code())).hasValueSatisfying(
        s -> assertThat(s.state()).isEqualTo(FileView.State.PENDING));
  }

  private Path random(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }
}
