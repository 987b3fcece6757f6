package io.scoutbot.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hashing beside the copy loop gives the same digests as hashing in line, whatever the buffers. */
class OverlappedDigestsTest {

  @ParameterizedTest(name = "{0} bytes, {1} buffer(s) of {2}, threaded={3}")
  @CsvSource({
    "0, 1, 4096, true",
    "1, 2, 4096, true",
    "4096, 2, 4096, true",
    "1000003, 2, 65536, true",
    "1000003, 3, 4096, true",
    "1000003, 40, 4096, true",
    "1000003, 1, 65536, true",
    "1000003, 2, 65536, false",
  })
  void copy_writesEveryByte_andEveryDigestSeesExactlyThem(int size, int buffers, int bufferSize,
      boolean threaded) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    byte[][] bufs = new byte[buffers][bufferSize];
    List<MessageDigest> digests = List.of(Sha256.newDigest(), Sha256.newDigest());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicLong progress = new AtomicLong();

    try (OverlappedDigests lanes = threaded
        ? OverlappedDigests.start(digests, Thread.ofPlatform().daemon().factory())
        : OverlappedDigests.inline(digests)) {
      long copied = PipelinedCopy.copy(new SlowStream(data), out, Long.MAX_VALUE, bufs, lanes,
          progress::addAndGet);
      lanes.drain();

      assertThat(copied).isEqualTo(size);
      assertThat(out.toByteArray()).isEqualTo(data);
      assertThat(progress.get()).isEqualTo(size);
      String expected = Sha256.hex(sha(data));
      assertThat(Sha256.hex(lanes.digest(0))).isEqualTo(expected);
      assertThat(Sha256.hex(lanes.digest(1))).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "limit {0}")
  @CsvSource({"0", "1", "65536", "99999"})
  void copy_stopsAtTheLimit(long limit) throws Exception {
    byte[] data = new byte[100_000];
    new Random(1).nextBytes(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OverlappedDigests lanes = OverlappedDigests.start(List.of(Sha256.newDigest()),
        Thread.ofPlatform().daemon().factory())) {
      long copied = PipelinedCopy.copy(new ByteArrayInputStream(data), out, limit,
          new byte[2][8192], lanes, Progress.NONE);
      lanes.drain();

      assertThat(copied).isEqualTo(limit);
      assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOf(data, (int) limit));
    }
  }

  private static MessageDigest sha(byte[] data) {
    MessageDigest d = Sha256.newDigest();
    d.update(data);
    return d;
  }

  /** Returns short reads of varying length, as sockets do. */
  private static final class SlowStream extends InputStream {
    private final byte[] data;
    private int pos;
    private int turn;

    SlowStream(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, data.length - pos), 1 + (turn++ * 7919) % 20000);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  @org.junit.jupiter.api.Test
  void theHashingThreadInterruptedByAnyoneButClose_failsTheTransfer_insteadOfLeavingItWaiting()
      throws Exception {
    List<Thread> lanes = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.ThreadFactory recording = r -> {
      Thread t = Thread.ofPlatform().daemon().unstarted(r);
      lanes.add(t);
      return t;
    };
    try (OverlappedDigests digests =
        OverlappedDigests.start(List.of(Sha256.newDigest()), recording)) {
      byte[] chunk = new byte[4096];
      digests.drain();

      lanes.getFirst().interrupt();
      lanes.getFirst().join(10_000);

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
        long ticket = digests.submit(chunk, 0, chunk.length);
        digests.awaitConsumed(ticket);
      }).isInstanceOf(IllegalStateException.class).hasMessageContaining("hashing thread");
    }
  }
}
