package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.files.FileDesk;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file its owner deletes before it was uploaded: its job, quota and temp copy go with it. */
class DeleteQueuedFileTest {

  @TempDir Path dir;
  private QueueHarness h;
  private FileDesk desk;

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 2, 2);
    desk = h.desk();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void delete_ofAQueuedFile_cancelsItsJob_releasesTheCopy_andTheFileStaysGone() throws Exception {
    Job job = h.submit(1, "later.bin", 100, true);
    Path copy = ((JobSource.LocalFile) job.source()).path();
    assertThat(copy).exists();

    desk.delete(1, job.code());

    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(copy).doesNotExist();
    assertThat(h.queue.usage(1).jobs()).isZero();
    assertThat(desk.info(1, job.code())).isEmpty();
    // a later cancel of the same job must not bring the deleted file back
    assertThatThrownBy(() -> h.jobs().cancel(1, job.id()));
    assertThat(desk.info(1, job.code())).isEmpty();
  }
}
