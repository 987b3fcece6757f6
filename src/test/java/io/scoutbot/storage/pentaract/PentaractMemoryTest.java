package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Memory held by a transfer: the budgeted buffers, never the file. Large files are sparse, and the
 * fake server stores them sparse too; the test JVM's small heap would not hold them anyway.
 */
class PentaractMemoryTest {

  private static final int CHUNK = 1 << 20;

  @TempDir Path dir;
  private PentaractFixture f;

  @BeforeEach
  void start() throws IOException {
    f = PentaractFixture.start(dir, 0);
    f.chunkSize = CHUNK;
    f.threshold = 0;
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @ParameterizedTest(name = "segments of {0} MiB (0: none)")
  @ValueSource(longs = {0, 64})
  void memoryHeld_isTheSameForA4MiBAndA256MiBFile(long segmentMb) throws IOException {
    f.segmentBytes = segmentMb << 20;

    long small = peakOfRoundTrip("SMALL1/small.bin", 4L << 20);
    long large = peakOfRoundTrip("LARGE1/large.bin", 256L << 20);

    assertThat(large).isEqualTo(small).isLessThanOrEqualTo(2L * CHUNK);
  }

  @Test
  void smallFile_goesFromMemory_whenTheBudgetGrantsIt() throws IOException {
    f.threshold = 16 << 10;
    f.budget = new MemoryBudget(8 << 20, 4 << 20);
    Path src = random("small.bin", 10_000);

    f.target().upload(request(src, "MEM001/small.bin"));

    assertThat(f.budget.peak()).as("exactly the file, no streaming buffer").isEqualTo(10_000);
  }

  @Test
  void smallFile_streamsThroughASmallerBuffer_whenTheBudgetIsShort() throws Exception {
    f.threshold = 16 << 10;
    f.chunkSize = 8 << 10;
    f.budget = new MemoryBudget(256 << 10, 256 << 10);
    Path src = random("short.bin", 12_000);

    try (MemoryBudget.Permit held = f.budget.reserve(246 << 10)) {
      StoredObject stored = f.target().upload(request(src, "MEM002/short.bin"));

      assertThat(stored.sha256()).isEqualTo(PentaractFaultTest.sha256(src));
      assertThat(f.budget.peak()).isEqualTo((246 << 10) + (8 << 10));
    }
  }

  private long peakOfRoundTrip(String key, long size) throws IOException {
    f.budget = new MemoryBudget(64 << 20, 32 << 20);
    PentaractTarget target = f.newTarget();
    Path src = sparse(key.replace('/', '_'), size);
    StoredObject stored = target.upload(request(src, key));
    Path back = dir.resolve("back-" + size);
    Received got = target.download(stored.location(), back, Progress.NONE);
    assertThat(got).isEqualTo(new Received(size, stored.sha256()));
    assertThat(stored.sha256()).isEqualTo(PentaractFaultTest.sha256(src));
    Files.delete(back);
    return f.budget.peak();
  }

  private Path sparse(String name, long size) throws IOException {
    Path p = dir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      byte[] head = new byte[3 << 20];
      new Random(size).nextBytes(head);
      raf.write(head);
      raf.setLength(size);
    }
    return p;
  }

  private Path random(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  private static UploadRequest request(Path src, String key) throws IOException {
    return new UploadRequest(src, key, Files.size(src), "application/octet-stream", Progress.NONE);
  }
}
