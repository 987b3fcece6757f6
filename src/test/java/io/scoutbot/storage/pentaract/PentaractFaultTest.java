package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Pentaract target does when the server misbehaves: retries with backoff, idle (never
 * total) timeouts, resumable uploads that replace partial copies, the per-client upload limit, and
 * the circuit breaker.
 */
class PentaractFaultTest {

  @TempDir Path dir;
  @RegisterExtension final PentaractFixture f = PentaractFixture.unsegmented();

  // ---- retries

  @Test
  void serverErrorOnTheFirstUploads_isRetriedWithGrowingBackoff() throws IOException {
    f.fake.failUploads(2);
    Path src = file("retry.bin", 200_000);

    StoredObject stored = f.target().upload(request(src, "RTRY01/retry.bin"));

    assertThat(stored.sha256()).isEqualTo(sha256(src));
    assertThat(f.fake.count("POST upload_to")).isEqualTo(3);
    // base 1 s, jitter fixed at 0.5: 0.75 s, then 1.5 s
    assertThat(f.sleeper.slept()).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1500));
    assertThat(f.target().unavailable()).isFalse();
  }

  @Test
  void serverErrorOnEveryTry_failsRetryably_afterTheConfiguredAttempts() throws IOException {
    f.fake.failUploads(10);
    Path src = file("fail.bin", 1000);

    assertThatThrownBy(() -> f.target().upload(request(src, "RTRY02/fail.bin")))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("Pentaract failed to store scoutbot/RTRY02/fail.bin (HTTP 500")
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.RETRY);
    assertThat(f.fake.count("POST upload_to")).isEqualTo(3);
    assertThat(f.target().unavailable()).as("a 500 is an answer, not an outage").isFalse();
  }

  @Test
  void serverErrorOnTheFirstUploadToAnEmptyStorage_pointsAtTheTelegramSetUp() throws IOException {
    f.fake.failUploads(10);
    Path src = file("first.bin", 1000);

    assertThatThrownBy(() -> f.target().upload(request(src, "FRST01/first.bin")))
        .hasMessageContaining("first upload to this storage")
        .hasMessageContaining("administrator of the Telegram channel")
        .hasMessageContaining("without the -100 prefix");
  }

  @Test
  void connectionDroppedMidBody_isRetried_andTheDigestIsOfTheBytesStored() throws IOException {
    f.fake.dropUploads(1, 300_000);
    Path src = file("drop.bin", 1_000_000);

    StoredObject stored = f.target().upload(request(src, "DROP01/drop.bin"));

    assertThat(stored.sha256()).isEqualTo(sha256(src));
    assertThat(sha256(f.fake.blob(f.storageId, "scoutbot/DROP01/drop.bin").orElseThrow()))
        .isEqualTo(stored.sha256());
    assertThat(f.fake.requests()).anyMatch(r -> r.contains("upload_to -> dropped"));
    assertThat(f.sleeper.slept()).hasSize(1);
  }

  @Test
  void droppedSegment_isResentAlone_andTheWholeFileDigestStillMatches() throws IOException {
    f.segmentBytes = 256 << 10;
    f.fake.dropUploads(1, 100_000);
    Path src = file("seg.bin", 1_000_000);

    StoredObject stored = f.target().upload(request(src, "DROP02/seg.bin"));

    assertThat(stored.segments()).isEqualTo(4);
    assertThat(stored.sha256()).isEqualTo(sha256(src));
    assertThat(f.fake.count("POST upload_to")).isEqualTo(4 + 1 + 1); // segments, manifest, resend
    assertThat(roundTrip(stored)).isEqualTo(new Received(1_000_000, sha256(src)));
  }

  // ---- timeouts are idle timeouts

  @Test
  void uploadAnsweredAfterLongerThanTheIdleTimeout_succeeds() throws IOException {
    f.timeout = Duration.ofMillis(500);
    f.perChunk = Duration.ofSeconds(5);
    f.fake.answerUploadsAfter(Duration.ofMillis(1500)); // Pentaract busy with Telegram
    Path src = file("slow.bin", 100_000);

    StoredObject stored = f.target().upload(request(src, "SLOW01/slow.bin"));

    assertThat(stored.sha256()).isEqualTo(sha256(src));
    assertThat(f.sleeper.slept()).isEmpty();
  }

  @Test
  void downloadThatKeepsMoving_succeeds_thoughItTakesLongerThanTheIdleTimeout()
      throws IOException {
    f.timeout = Duration.ofMillis(500);
    Path src = file("trickle.bin", 600_000);
    StoredObject stored = f.target().upload(request(src, "SLOW02/trickle.bin"));
    f.fake.trickleDownloads(64 << 10, Duration.ofMillis(200)); // ~2 s in all, never 0.5 s silent

    long started = System.nanoTime();
    Received got = roundTrip(stored);

    assertThat(got).isEqualTo(new Received(600_000, sha256(src)));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(f.timeout);
    assertThat(f.sleeper.slept()).isEmpty();
  }

  @Test
  void downloadThatGoesSilent_failsAfterTheIdleTimeout_andIsRetried() throws IOException {
    f.timeout = Duration.ofMillis(500);
    Path src = file("stall.bin", 600_000);
    StoredObject stored = f.target().upload(request(src, "SLOW03/stall.bin"));
    f.fake.stallDownloads(1, 200_000, Duration.ofSeconds(3));

    Received got = roundTrip(stored);

    assertThat(got).isEqualTo(new Received(600_000, sha256(src)));
    assertThat(f.sleeper.slept()).hasSize(1);
  }

  @Test
  void serverThatStopsReadingTheUpload_isAbortedAfterTheIdleTimeout_andRetriedLater()
      throws IOException {
    f.timeout = Duration.ofMillis(500);
    f.chunkSize = 1 << 20;
    f.attempts = 1;
    CountDownLatch never = new CountDownLatch(1);
    f.fake.stallUpload(1 << 20, never);
    Path src = sparseWithData("stuck.bin", 64 << 20); // far more than the socket buffers hold

    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> f.target().upload(request(src, "STCK01/stuck.bin")))
          .isInstanceOf(PentaractFailure.class)
          .hasMessageContaining("stopped reading the upload for 500 ms")
          .extracting(e -> ((PentaractFailure) e).disposition())
          .isEqualTo(Disposition.RETRY);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(f.timeout);

      StoredObject stored = f.target().upload(request(src, "STCK01/stuck.bin"));
      assertThat(stored.sha256()).isEqualTo(sha256(src));
    } finally {
      never.countDown();
    }
  }

  // ---- interrupts

  @Test
  void interruptingAnUploadThatWaitsForPentaractsAnswer_abortsItPromptly() throws Exception {
    f.timeout = Duration.ofSeconds(30); // the answer may take 30 s + 60 s per chunk
    f.perChunk = Duration.ofSeconds(60);
    CountDownLatch gate = new CountDownLatch(1);
    f.fake.holdUploads(gate);
    PentaractTarget target = f.target();
    Path src = file("held.bin", 100_000);
    try {
      Outcome outcome = Outcome.of(() -> target.upload(request(src, "HELD01/held.bin")));
      awaitHolding(1); // the body is in, Pentaract "sends it to Telegram" before answering

      outcome.thread.interrupt();

      assertThat(outcome.failure(Duration.ofSeconds(3)))
          .isInstanceOf(PentaractFailure.class)
          .hasMessageContaining("uploading scoutbot/HELD01/held.bin was cancelled")
          .extracting(e -> ((PentaractFailure) e).outage())
          .isEqualTo(false);
      assertThat(outcome.interruptedAfterwards).as("the interrupt stays set").isTrue();
      assertThat(f.sleeper.slept()).as("a cancellation is not retried").isEmpty();
      assertThat(target.unavailable()).isFalse();
    } finally {
      gate.countDown();
    }
  }

  @Test
  void interruptingADownloadThatWaitsForBytes_abortsItPromptly() throws Exception {
    f.timeout = Duration.ofSeconds(30);
    PentaractTarget target = f.target();
    Path src = file("stalled.bin", 600_000);
    StoredObject stored = target.upload(request(src, "HELD02/stalled.bin"));
    f.fake.stallDownloads(1, 100_000, Duration.ofSeconds(25));

    Outcome outcome = Outcome.of(() -> target.download(stored.location(), dir.resolve("back"),
        Progress.NONE));
    awaitHolding(1);

    outcome.thread.interrupt();

    assertThat(outcome.failure(Duration.ofSeconds(3)))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("was cancelled");
    assertThat(outcome.interruptedAfterwards).isTrue();
    assertThat(f.sleeper.slept()).isEmpty();
  }

  @Test
  void anAlreadyInterruptedThread_sendsNothing() throws Exception {
    PentaractTarget target = f.target();
    target.check(); // logged in, storage known
    Path src = file("never.bin", 1000);

    Outcome upload = Outcome.of(() -> {
      Thread.currentThread().interrupt();
      return target.upload(request(src, "HELD03/never.bin"));
    });
    Outcome size = Outcome.of(() -> {
      Thread.currentThread().interrupt();
      return target.size("scoutbot/HELD03/never.bin");
    });

    assertThat(upload.failure(Duration.ofSeconds(3))).hasMessageContaining("was cancelled");
    assertThat(size.failure(Duration.ofSeconds(3)))
        .hasMessage("listing scoutbot/HELD03 was cancelled");
    assertThat(f.fake.count("POST upload_to")).isZero();
    assertThat(f.fake.count("GET files")).isZero();
  }

  private void awaitHolding(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (f.fake.holding() < n) {
      assertThat(System.nanoTime()).as("the fake holds the request").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  /** A call running on its own platform thread (as upload workers are), and how it ended. */
  private static final class Outcome {
    final Thread thread;
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    volatile boolean interruptedAfterwards;

    private Outcome(java.util.concurrent.Callable<?> call) {
      thread = Thread.ofPlatform().name("transfer-under-test").unstarted(() -> {
        try {
          call.call();
          ended.complete(null);
        } catch (Throwable t) {
          ended.complete(t);
        } finally {
          interruptedAfterwards = Thread.currentThread().isInterrupted();
        }
      });
    }

    static Outcome of(java.util.concurrent.Callable<?> call) {
      Outcome o = new Outcome(call);
      o.thread.start();
      return o;
    }

    /** What the call threw, waiting at most {@code within} for it to end. */
    Throwable failure(Duration within) throws Exception {
      Throwable t;
      try {
        t = ended.get(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("the call did not end within " + within + " of the interrupt");
      }
      thread.join();
      assertThat(t).as("the call failed").isNotNull();
      return t;
    }
  }

  // ---- resuming

  @Test
  void remoteCopyOfTheSameSize_isKept_andItsDigestComesFromTheLocalFile() throws IOException {
    Path src = file("same.bin", 100_000);
    f.target().upload(request(src, "SAME01/same.bin"));

    StoredObject again = f.newTarget().upload(request(src, "SAME01/same.bin"));

    assertThat(again.sha256()).isEqualTo(sha256(src));
    assertThat(f.fake.requests()).noneMatch(r -> r.startsWith("DELETE"));
    assertThat(f.fake.requests()).filteredOn(r -> r.contains("upload_to -> 409")).hasSize(1);
  }

  @Test
  void remoteCopyWithTheWrongSize_isDeleted_andUploadedAgain() throws IOException {
    Path src = file("wrong.bin", 100_000);
    f.target().upload(request(src, "WRNG01/wrong.bin"));
    f.fake.resize(f.storageId, "scoutbot/WRNG01/wrong.bin", 40_000); // a partial leftover

    StoredObject again = f.newTarget().upload(request(src, "WRNG01/wrong.bin"));

    assertThat(again.sha256()).isEqualTo(sha256(src));
    assertThat(f.fake.requests()).anyMatch(r -> r.startsWith("DELETE")
        && r.contains("scoutbot/WRNG01/wrong.bin -> 200"));
    assertThat(sha256(f.fake.blob(f.storageId, "scoutbot/WRNG01/wrong.bin").orElseThrow()))
        .isEqualTo(sha256(src));
  }

  @Test
  void segmentedUpload_resumesAfterACrash_keepingTheSegmentsAlreadyStored() throws IOException {
    f.segmentBytes = 128 << 10;
    f.attempts = 1;
    Path src = file("resume.bin", 600_000); // 5 segments
    f.fake.failUploads(2, 1); // segments 1 and 2 are stored, then the "process dies"
    assertThatThrownBy(() -> f.target().upload(request(src, "RSME01/resume.bin")))
        .isInstanceOf(PentaractFailure.class);
    assertThat(f.fake.files(f.storageId)).hasSize(2);

    StoredObject stored = f.newTarget().upload(request(src, "RSME01/resume.bin"));

    assertThat(stored.sha256()).isEqualTo(sha256(src));
    assertThat(stored.segments()).isEqualTo(5);
    assertThat(f.fake.requests()).filteredOn(r -> r.contains("upload_to -> 409")).hasSize(2);
    assertThat(f.fake.files(f.storageId)).hasSize(6); // 5 segments and the manifest
    assertThat(roundTrip(stored)).isEqualTo(new Received(600_000, sha256(src)));
  }

  @Test
  void resumedSegmentWithTheWrongSize_isReplaced() throws IOException {
    f.segmentBytes = 128 << 10;
    f.attempts = 1;
    Path src = file("partial.bin", 600_000);
    f.fake.failUploads(2, 1);
    assertThatThrownBy(() -> f.target().upload(request(src, "RSME02/partial.bin")));
    f.fake.resize(f.storageId, "scoutbot/RSME02/partial.bin.segments/00002", 1000);

    StoredObject stored = f.newTarget().upload(request(src, "RSME02/partial.bin"));

    assertThat(f.fake.requests()).anyMatch(r -> r.startsWith("DELETE")
        && r.contains("partial.bin.segments/00002 -> 200"));
    assertThat(roundTrip(stored)).isEqualTo(new Received(600_000, sha256(src)));
  }

  @Test
  void damagedSegment_failsVerification_namingTheSegment() throws IOException {
    f.segmentBytes = 128 << 10;
    Path src = file("damaged.bin", 300_000);
    StoredObject stored = f.target().upload(request(src, "DMGD01/damaged.bin"));
    Path blob = f.fake.blob(f.storageId, "scoutbot/DMGD01/damaged.bin.segments/00002").orElseThrow();
    byte[] bytes = Files.readAllBytes(blob);
    bytes[1000] ^= 1; // same size, different content
    Files.write(blob, bytes);

    assertThatThrownBy(() -> roundTrip(stored))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("segment 2 of 3")
        .hasMessageContaining("arrived with CRC32C");
  }

  @Test
  void size_ofASegmentedFile_isEmptyOnceASegmentOrItsManifestIsDamaged() throws IOException {
    f.segmentBytes = 128 << 10;
    StoredObject a = f.target().upload(request(file("a.bin", 300_000), "SIZE01/a.bin"));
    StoredObject b = f.target().upload(request(file("b.bin", 300_000), "SIZE02/b.bin"));
    assertThat(f.target().size(a.location())).hasValue(300_000);

    f.fake.resize(f.storageId, "scoutbot/SIZE01/a.bin.segments/00002", 10);
    Path manifest = f.fake.blob(f.storageId, b.location()).orElseThrow();
    Files.write(manifest, new byte[(int) Files.size(manifest)]);

    assertThat(f.target().size(a.location())).isEmpty();
    assertThat(f.target().size(b.location())).isEmpty();
  }

  @Test
  void manifestAnsweredLongerThanListed_withoutContentLength_isRefused_notReadWhole()
      throws IOException {
    f.segmentBytes = 128 << 10;
    Path src = file("padded.bin", 300_000);
    StoredObject stored = f.target().upload(request(src, "PADD01/padded.bin"));
    f.fake.padDownloads(64L << 20); // far more than any manifest

    assertThatThrownBy(() -> f.target().size(stored.location()))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("more than the")
        .hasMessageContaining("bytes the listing gives for the manifest " + stored.location());
  }

  @Test
  void aLargeManifest_isReadIntoMemoryFromTheBudget() throws IOException {
    f.segmentBytes = 4 << 10;
    Path src = file("many.bin", 400_000); // 98 segments: a manifest of about 13 kB
    StoredObject stored = f.target().upload(request(src, "MANY01/many.bin"));
    long manifestBytes = Files.size(f.fake.blob(f.storageId, stored.location()).orElseThrow());
    f.budget = new MemoryBudget(8 << 20, 4 << 20);

    assertThat(f.newTarget().size(stored.location())).hasValue(400_000);

    assertThat(manifestBytes).isGreaterThan(8 << 10);
    assertThat(f.budget.peak()).isEqualTo(manifestBytes);
    assertThat(f.budget.inUse()).isZero();
  }

  // ---- concurrency

  @Test
  void concurrentUploads_neverExceedTheClientLimit() throws Exception {
    f.maxConcurrent = 2;
    f.fake.workers(10);
    CountDownLatch gate = new CountDownLatch(1);
    f.fake.holdUploads(gate);
    PentaractTarget target = f.target();
    target.check(); // log in and resolve the storage first
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      files.add(file("c" + i + ".bin", 50_000));
    }
    List<Thread> uploaders = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(5, r -> {
      Thread t = new Thread(r);
      uploaders.add(t);
      return t;
    });
    try {
      List<Future<StoredObject>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Path src = files.get(i);
        String key = "CONC0" + i + "/c.bin";
        results.add(pool.submit(() -> target.upload(request(src, key))));
      }
      // two requests held by the server, the other three parked on the client's limit
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (f.fake.inFlight("POST upload_to") < 2
          || uploaders.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < 3) {
        assertThat(System.nanoTime()).as("uploads parked on the limit").isLessThan(deadline);
        Thread.onSpinWait();
      }
      assertThat(f.fake.inFlight("POST upload_to")).isEqualTo(2);
      gate.countDown();
      for (Future<StoredObject> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS).size()).isEqualTo(50_000);
      }
    } finally {
      gate.countDown();
      pool.shutdownNow();
    }
    assertThat(f.fake.maxInFlight("POST upload_to")).isEqualTo(2);
    assertThat(f.fake.count("POST upload_to")).isEqualTo(5);
  }

  // ---- availability

  @Test
  void pentaractDownAtStartup_opensTheBreaker_andTheBackgroundProbeClosesItWhenBack()
      throws Exception {
    int port = f.fake.port();
    f.fake.stop();
    PentaractTarget target = f.target();

    assertThat(target.connect().up()).isFalse();
    assertThat(f.breakerChanges.poll(5, TimeUnit.SECONDS)).isTrue();
    Path src = file("queued.bin", 1000);
    assertThatThrownBy(() -> target.upload(request(src, "DOWN01/queued.bin")))
        .isInstanceOf(PentaractFailure.class)
        .hasMessageContaining("is unavailable since")
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.UNAVAILABLE);
    assertThat(f.sleeper.slept()).as("failing fast: no retries").isEmpty();

    f.probeSleeper.awaitSleeper();
    f.probeSleeper.release(); // first probe: still down
    f.probeSleeper.awaitSleeper();
    f.fake.start(port);
    f.probeSleeper.release(); // second probe: back

    assertThat(f.breakerChanges.poll(5, TimeUnit.SECONDS)).isFalse();
    assertThat(f.probeSleeper.slept()).hasSize(2);
    assertThat(f.probeSleeper.slept().get(1)).isGreaterThan(f.probeSleeper.slept().get(0));
    assertThat(target.upload(request(src, "DOWN01/queued.bin")).sha256()).isEqualTo(sha256(src));
  }

  @Test
  void pentaractGoingDown_opensTheBreakerAfterRepeatedFailures_andLaterCallsFailFast()
      throws IOException {
    Path src = file("before.bin", 1000);
    StoredObject stored = f.target().upload(request(src, "GODN01/before.bin"));
    f.fake.stop();

    assertThatThrownBy(() -> f.target().upload(request(src, "GODN02/after.bin")))
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.UNAVAILABLE);
    int sleeps = f.sleeper.slept().size();
    assertThatThrownBy(() -> roundTrip(stored))
        .extracting(e -> ((PentaractFailure) e).disposition())
        .isEqualTo(Disposition.UNAVAILABLE);

    assertThat(sleeps).isEqualTo(2);
    assertThat(f.sleeper.slept()).hasSize(sleeps);
    assertThat(f.target().check().detail()).contains("unavailable since");
  }

  // ---- helpers

  private Received roundTrip(StoredObject stored) {
    return f.target().download(stored.location(), dir.resolve("back-" + System.nanoTime()),
        Progress.NONE);
  }

  private Path file(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(name.hashCode()).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  /** A sparse file with random bytes at its start, so it is not all zeros. */
  private Path sparseWithData(String name, long size) throws IOException {
    Path p = dir.resolve(name);
    try (var raf = new java.io.RandomAccessFile(p.toFile(), "rw")) {
      byte[] head = new byte[4 << 20];
      new Random(1).nextBytes(head);
      raf.write(head);
      raf.setLength(size);
    }
    return p;
  }

  private static UploadRequest request(Path src, String key) throws IOException {
    return new UploadRequest(src, key, Files.size(src), "application/octet-stream", Progress.NONE);
  }

  static String sha256(Path p) throws IOException {
    MessageDigest d = Sha256.newDigest();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    return Sha256.hex(d);
  }
}
