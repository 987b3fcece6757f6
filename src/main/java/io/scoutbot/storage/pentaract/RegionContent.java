package io.scoutbot.storage.pentaract;

import io.scoutbot.transfer.PipelinedCopy;
import io.scoutbot.transfer.Progress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A region of a local file (the whole file, or one segment) sent as an upload's file part, read from
 * disk chunk by chunk through the {@link FileTransfer}'s buffers and hashed while it is sent. Every
 * attempt rolls the digests back to where the region starts, so the SHA-256 is always of the bytes
 * of the attempt that succeeded. Not thread-safe.
 */
final class RegionContent implements UploadBody.Content {

  private final Path source;
  private final FileChannel file;
  private final long offset;
  private final long length;
  private final FileTransfer transfer;
  private final HighWater progress;
  private MessageDigest wholeAtStart;
  private boolean complete;

  RegionContent(Path source, FileChannel file, long offset, long length, FileTransfer transfer,
      Progress progress) {
    this.source = source;
    this.file = file;
    this.offset = offset;
    this.length = length;
    this.transfer = transfer;
    this.progress = new HighWater(progress);
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    begin();
    pump(out);
  }

  /**
   * Makes the digests hold exactly this region: nothing to do when an attempt sent all of it,
   * otherwise it is read from disk and hashed (a resumed upload found it already stored).
   */
  void hashLocally() throws IOException {
    if (!complete) {
      begin();
      pump(OutputStream.nullOutputStream());
    }
  }

  private void begin() throws InterruptedIOException {
    if (wholeAtStart == null) {
      wholeAtStart = transfer.saveWhole();
    }
    transfer.restart(wholeAtStart);
    progress.restart();
    complete = false;
  }

  private void pump(OutputStream out) throws IOException {
    file.position(offset);
    long copied = PipelinedCopy.copy(new LocalReads(Channels.newInputStream(file)), out, length,
        transfer.buffers(), transfer.digests(), progress);
    if (copied != length) {
      throw new LocalFileException(PentaractFailure.permanent(source + " became shorter while it "
          + "was being stored (" + (offset + copied) + " of at least " + (offset + length)
          + " bytes); nothing was stored"));
    }
    transfer.drain();
    complete = true;
  }

  /** Tells local read failures apart from network ones; never closes the shared channel. */
  private final class LocalReads extends FilterInputStream {
    LocalReads(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (InterruptedIOException | ClosedByInterruptException e) {
        throw e;
      } catch (IOException e) {
        throw new LocalFileException(PentaractFailure.retry("cannot read " + source + ": "
            + e.getMessage(), e));
      }
    }

    @Override
    public void close() {}
  }
}
