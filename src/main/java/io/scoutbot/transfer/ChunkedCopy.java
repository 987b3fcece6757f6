package io.scoutbot.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The one copy loop every transfer uses: reads into a caller-supplied (budgeted) buffer, updates a
 * digest, reports progress, and stops promptly when the thread is interrupted. Memory use is the
 * buffer, whatever the size of the data. Stateless.
 */
public final class ChunkedCopy {

  private ChunkedCopy() {}

  /**
   * Copies {@code in} to {@code out} until end of stream or {@code limit} bytes, whichever is first.
   *
   * @param digest updated with every byte copied; may be null
   * @return the number of bytes copied
   * @throws InterruptedIOException if the thread was interrupted (the flag stays set)
   */
  public static long copy(
      InputStream in,
      OutputStream out,
      byte[] buffer,
      long limit,
      MessageDigest digest,
      Progress progress)
      throws IOException {
    long total = 0;
    while (total < limit) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("transfer cancelled after " + total + " bytes");
      }
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
      if (n < 0) {
        break;
      }
      if (n == 0) {
        continue;
      }
      if (digest != null) {
        digest.update(buffer, 0, n);
      }
      out.write(buffer, 0, n);
      total += n;
      progress.advance(n);
    }
    return total;
  }

  /** Copies everything until end of stream. */
  public static long copy(
      InputStream in, OutputStream out, byte[] buffer, MessageDigest digest, Progress progress)
      throws IOException {
    return copy(in, out, buffer, Long.MAX_VALUE, digest, progress);
  }
}
