package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.catalog.DeletedFiles;
import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.files.FileDesk;
import io.scoutbot.storage.StorageTarget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file its owner deletes before, while or just as it is uploaded: its job, quota, temp copy and
 * stored object go with it.
 */
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
    desk.close();
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
    assertThatThrownBy(() -> desk.cancel(1, job.id()));
    assertThat(desk.info(1, job.code())).isEmpty();
  }

  @Test
  void delete_justAsTheUploadCompletes_removesTheStoredObject_soNothingStaysInStorage()
      throws Exception {
    // the review's race: the worker's completion lands right as the delete starts
    Job job = h.submit(1, "a.bin", 1000, true);
    Job claimed = h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow();
    BothPorts catalog = completingFirst(() -> h.runner.run(claimed, JobTracker.NONE));
    FileDesk racing = h.desk(catalog, catalog, h.storage);

    racing.delete(1, job.code());

    assertThat(h.queue.find(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(h.catalog.find(1, job.code())).isEmpty();
    assertThat(h.storage.objects).isEmpty();
  }

  @Test
  void delete_whileTheUploadRuns_failsTheLateCompletion_andTheWorkerRemovesItsObject()
      throws Exception {
    Job job = h.submit(1, "a.bin", 1000, true);
    h.storage.during = () -> desk.delete(1, job.code());

    assertThat(h.runner.run(h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow(),
        JobTracker.NONE)).isEqualTo(JobRunner.Result.FAILED);

    assertThat(h.catalog.find(1, job.code())).isEmpty();
    assertThat(h.storage.objects).isEmpty();
  }

  @Test
  void deleteDuringTheUpload_whenTheWorkerCannotRemoveItsObject_serveSweepRemovesItLater()
      throws Exception {
    Job job = h.submit(1, "a.bin", 1000, true);
    h.storage.during = () -> {
      desk.delete(1, job.code());
      h.storage.deletesFail = true;
    };

    h.runner.run(h.queue.claim(ClaimRequest.any(h.worker, "local")).orElseThrow(), JobTracker.NONE);

    assertThat(h.storage.objects).as("the backend could not remove it yet").hasSize(1);
    h.storage.deletesFail = false;
    assertThat(desk.removeLeftoverObjects()).isEqualTo(1);
    assertThat(h.storage.objects).isEmpty();
  }

  @Test
  void delete_whenTheBackendCannotRemoveTheObject_deletesTheFile_andARetryRemovesTheObject()
      throws Exception {
    Job job = h.submit(1, "a.bin", 1000, true);
    h.runDue(Set.of(job.id()));
    assertThat(h.storage.objects).hasSize(1);
    AtomicBoolean down = new AtomicBoolean(true);
    StorageTarget backend = (StorageTarget) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {StorageTarget.class}, (proxy, method, args) -> {
          if (method.getName().equals("delete") && down.get()) {
            throw FakeStorage.unavailable();
          }
          return invoke(method, h.storage, args);
        });
    FileDesk flaky = h.desk(h.catalog, h.catalog, backend);

    flaky.delete(1, job.code());

    assertThat(desk.info(1, job.code())).isEmpty();
    assertThat(h.storage.objects).hasSize(1);
    assertThat(flaky.removeLeftoverObjects()).isZero();
    down.set(false);
    assertThat(flaky.removeLeftoverObjects()).isEqualTo(1);
    assertThat(h.storage.objects).isEmpty();
    assertThat(flaky.removeLeftoverObjects()).isZero();
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * The harness catalog as both its ports ({@link FileCatalog} and {@link DeletedFiles}), running
   * {@code completion} at the worst moment for the first deletion: right after a read of the entry
   * (a delete that reads, then writes), or right before an atomic deletion, which has no moment in
   * between. One proxy serves both, so a delete is caught whichever port it reads through.
   */
  private BothPorts completingFirst(Runnable completion) {
    JdbcFileCatalog real = h.catalog;
    AtomicReference<Runnable> once = new AtomicReference<>(completion);
    return (BothPorts) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {BothPorts.class},
        (proxy, method, args) -> {
          boolean atomicDelete = method.getName().equals("markDeleted");
          if (atomicDelete) {
            runOnce(once);
          }
          Object result = invoke(method, real, args);
          if (!atomicDelete && method.getName().equals("find")) {
            runOnce(once);
          }
          return result;
        });
  }

  /** The catalog's two ports as one type, so a single proxy can stand in for both. */
  private interface BothPorts extends FileCatalog, DeletedFiles {}

  private static void runOnce(AtomicReference<Runnable> once) {
    Runnable r = once.getAndSet(null);
    if (r != null) {
      r.run();
    }
  }
}
