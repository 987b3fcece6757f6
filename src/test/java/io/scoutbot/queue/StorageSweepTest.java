package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.StoredFile;
import io.scoutbot.resource.Gate;
import io.scoutbot.storage.StoredObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At serve's start the storage is made to agree with jobs that ended without their file. */
class StorageSweepTest {

  @TempDir Path dir;
  private QueueHarness h;
  private final List<String> told = new CopyOnWriteArrayList<>();
  private StorageSweep sweep;

  @BeforeEach
  void setUp() {
    h = new QueueHarness(dir, 1, 1);
    sweep = new StorageSweep(h.queue, h.catalog, h.catalog, h.storage, Gate.open(),
        new JobListener() {
          @Override
          public void completed(Job job, StoredFile file) {
            told.add(job.id() + " completed as " + file.code());
          }
        });
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** A job that ended {@code how}, while the storage got {@code bytes} of it under its key. */
  private Job ended(String name, Settlement how, long bytes) throws Exception {
    Job job = h.submit(1, name, 100, false);
    Job claimed = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    h.queue.settle(claimed, how);
    h.catalog.transition(job.code(), FileStatus.FAILED, null, "whatever it was");
    if (bytes >= 0) {
      String key = job.code() + "/" + name;
      h.storage.objects.put(key, new StoredObject(key, bytes, "ef".repeat(32), 1));
    }
    return job;
  }

  @Test
  void aFailedJobWhoseFileIsStoredComplete_isAdopted_andItsOwnerTold() throws Exception {
    Job job = ended("whole.bin", new Settlement.Failed("gave up"), 100);

    assertThat(sweep.run()).isEqualTo(1);

    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status())
        .isEqualTo(FileStatus.COMPLETED);
    assertThat(told).containsExactly(job.id() + " completed as " + job.code());
  }

  @Test
  void whatEndedJobsLeftPartial_orCancelledOnesStored_isRemoved() throws Exception {
    ended("partial.bin", new Settlement.Failed("gave up"), 40);
    Job cancelled = ended("cancelled.bin", new Settlement.Cancelled("cancelled by its owner"),
        100);

    sweep.run();

    assertThat(h.storage.objects).isEmpty();
    assertThat(h.queue.find(cancelled.id()).orElseThrow().state())
        .isEqualTo(JobState.CANCELLED);
    assertThat(told).isEmpty();
  }

  @Test
  void aStorageThatCannotBeAsked_stopsTheSweep_forTheNextStart() throws Exception {
    ended("a.bin", new Settlement.Failed("gave up"), 100);
    ended("b.bin", new Settlement.Failed("gave up"), 100);
    h.storage.presenceFails = true;

    assertThat(sweep.run()).isZero();
    assertThat(h.storage.presenceChecks).as("not once per job against a storage that is down")
        .hasValue(1);
  }

  @Test
  void aJobRetriedWhileTheSweepRuns_keepsWhatItsNewWorkerStores() throws Exception {
    Job whole = ended("whole.bin", new Settlement.Failed("gave up"), 100);
    Job partial = ended("partial.bin", new Settlement.Failed("gave up"), 40);
    List<Job> read = h.queue.recentlyEndedUnstored(10); // the sweep's view, then both retried
    h.queue.retry(1, whole.id());
    h.queue.retry(1, partial.id());
    StorageSweep late = new StorageSweep(stale(read), h.catalog, h.catalog, h.storage,
        Gate.open(), new JobListener() {});

    assertThat(late.run()).isZero();

    assertThat(h.storage.objects).as("objects a retried job's worker may be writing").hasSize(2);
    assertThat(h.queue.find(whole.id()).orElseThrow().state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void twoSweepsOfTheSameFailedJob_adoptItOnce_andNeitherRemovesTheFile() throws Exception {
    Job job = ended("whole.bin", new Settlement.Failed("gave up"), 100);
    List<Job> read = h.queue.recentlyEndedUnstored(10);

    assertThat(sweep.run()).isEqualTo(1);
    StorageSweep second = new StorageSweep(stale(read), h.catalog, h.catalog, h.storage,
        Gate.open(), new JobListener() {});
    assertThat(second.run()).isZero();

    assertThat(h.storage.objects).hasSize(1);
    assertThat(h.catalog.find(1, job.code()).orElseThrow().status())
        .isEqualTo(FileStatus.COMPLETED);
    assertThat(told).hasSize(1);
  }

  /** The queue's ended jobs as {@code read} showed them earlier (another sweep, a slow one). */
  private EndedJobs stale(List<Job> read) {
    return new EndedJobs() {
      @Override
      public List<Job> recentlyEndedUnstored(int limit) {
        return read;
      }

      @Override
      public boolean adopt(Job job, long size) {
        return h.queue.adopt(job, size);
      }

      @Override
      public boolean unchanged(Job job) {
        return h.queue.unchanged(job);
      }
    };
  }
}
