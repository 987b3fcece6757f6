package io.scoutbot.storage.pentaract;

import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.io.OutputStream;

/**
 * File-part bytes already in memory: a small file the memory budget let us hold whole, or a
 * manifest. Hashed once when loaded, so a retry resends without reading or hashing again. Not
 * thread-safe.
 */
final class BytesContent implements UploadBody.Content {

  private final byte[] data;
  private final int length;
  private final String sha256;
  private final HighWater progress;

  BytesContent(byte[] data, int length, String sha256, Progress progress) {
    this.data = data;
    this.length = length;
    this.sha256 = sha256;
    this.progress = new HighWater(progress);
  }

  String sha256() {
    return sha256;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    progress.restart();
    for (int off = 0; off < length; ) {
      int n = Math.min(UploadBody.PIECE, length - off);
      out.write(data, off, n);
      off += n;
      progress.advance(n);
    }
  }
}
