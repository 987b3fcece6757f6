package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Memory held by a transfer: the budgeted buffers, never the file. Large files are sparse, and the
 * fake server stores them sparse too; the test JVM's small heap would not hold them anyway.
 */
class PentaractMemoryTest {

  private static final int CHUNK = 1 << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @TempDir Path dir;
  @RegisterExtension final PentaractFixture f = PentaractFixture.unsegmented();

  @BeforeEach
  void configure() {
    f.chunkSize = CHUNK;
    f.threshold = 0;
  }

  /**
   * The heap a round trip allocates on the transferring thread (the caller's: HttpClient's classic
   * API sends and receives on it) must not grow with the file. Holding the file, or a buffer per
   * chunk, would add at least the 252 MiB between the two sizes, and even one more buffer per
   * segment would show; what a round trip allocates beyond its buffers (two per direction) is
   * request bookkeeping, about the same for both. The budget's peak stays within the two buffers.
   */
  @ParameterizedTest(name = "segments of {0} MiB (0: none)")
  @ValueSource(longs = {0, 64})
  void heapAllocatedByTheTransferringThread_doesNotGrowWithTheFileSize(long segmentMb)
      throws IOException {
    f.segmentBytes = segmentMb << 20;
    // the same path once first (segmented or not): loads classes, opens connections
    roundTripAllocating("WARM01/warm.bin", Math.max(4L << 20, f.segmentBytes + CHUNK));

    long small = roundTripAllocating("SMALL1/small.bin", 4L << 20);
    long large = roundTripAllocating("LARGE1/large.bin", 256L << 20);

    // measured: about 0.1 MiB more (0.3 MiB with four segments), against 252 MiB more data
    assertThat(large - small)
        .as("allocated %d bytes for 4 MiB, %d for 256 MiB", small, large)
        .isLessThan(2L * CHUNK);
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

  /** Bytes the current thread allocated for one upload and download of a {@code size} file. */
  private long roundTripAllocating(String key, long size) throws IOException {
    f.budget = new MemoryBudget(64 << 20, 32 << 20);
    PentaractTarget target = f.newTarget();
    Path src = sparse(key.replace('/', '_'), size);
    Path back = dir.resolve("back-" + size);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    StoredObject stored = target.upload(request(src, key));
    Received got = target.download(stored.location(), back, Progress.NONE);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(got).isEqualTo(new Received(size, stored.sha256()));
    assertThat(f.budget.peak()).isLessThanOrEqualTo(2L * CHUNK);
    Files.delete(back);
    Files.delete(src);
    return allocated;
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
