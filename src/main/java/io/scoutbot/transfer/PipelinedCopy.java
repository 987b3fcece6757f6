package io.scoutbot.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * The copy loop for transfers that hash at full speed: like {@link ChunkedCopy}, but it rotates
 * through several caller-supplied (budgeted) buffers and leaves hashing to {@link OverlappedDigests},
 * so reading chunk n+1 and writing chunk n overlap with hashing chunk n on another core. Memory use is
 * the buffers, whatever the size of the data; nothing is allocated per chunk. Stateless.
 */
public final class PipelinedCopy {

  private PipelinedCopy() {}

  /**
   * Copies {@code in} to {@code out} until end of stream or {@code limit} bytes. Every byte written is
   * submitted to {@code digests}; call {@link OverlappedDigests#drain()} before reading them.
   *
   * @param buffers one or more buffers of any sizes; two give full overlap
   * @return the number of bytes copied
   * @throws InterruptedIOException if the thread was interrupted (the flag stays set)
   */
  public static long copy(InputStream in, OutputStream out, long limit, byte[][] buffers,
      OverlappedDigests digests, Progress progress) throws IOException {
    long[] lastTicket = new long[buffers.length];
    long total = 0;
    int i = 0;
    try {
      while (total < limit) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("transfer cancelled after " + total + " bytes");
        }
        byte[] buf = buffers[i];
        if (lastTicket[i] != 0) {
          digests.awaitConsumed(lastTicket[i]);
        }
        int want = (int) Math.min(buf.length, limit - total);
        // sliced reads: see ChunkedCopy on the JDK's hidden per-call native buffers
        int n = ChunkedCopy.fill(in, buf, want);
        if (n <= 0) {
          break;
        }
        lastTicket[i] = digests.submit(buf, 0, n);
        ChunkedCopy.write(out, buf, 0, n);
        total += n;
        progress.advance(n);
        i = (i + 1) % buffers.length;
      }
      return total;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("transfer cancelled after " + total + " bytes");
    }
  }
}
