package io.scoutbot.storage.pentaract;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadFactory;

/**
 * A file stored as one Pentaract file at {@code scoutbot/<CODE>/<name>}, in one {@code upload_to}.
 * A file up to RESOURCE_STREAMING_THRESHOLD_MB goes from memory when the budget grants it at once;
 * any other streams through at most two budgeted buffers while SHA-256 runs beside them. Thread-safe.
 */
final class PlainLayout implements ObjectLayout {

  private final RemoteFiles files;
  private final MemoryBudget budget;
  private final int chunkSize;
  private final long streamingThresholdBytes;
  private final ThreadFactory lanes;

  /**
   * @param chunkSize bytes per streaming buffer (RESOURCE_STREAMING_CHUNK_SIZE)
   * @param streamingThresholdBytes files up to this size may be sent from memory
   * @param lanes makes the SHA-256 threads of transfers larger than one buffer
   */
  PlainLayout(RemoteFiles files, MemoryBudget budget, int chunkSize, long streamingThresholdBytes,
      ThreadFactory lanes) {
    this.files = files;
    this.budget = budget;
    this.chunkSize = chunkSize;
    this.streamingThresholdBytes = streamingThresholdBytes;
    this.lanes = lanes;
  }

  @Override
  public StoredObject upload(String storage, UploadRequest request, FileChannel file,
      MemoryBudget.Operation op) throws IOException, InterruptedException {
    String path = RemotePaths.object(request.key());
    long size = request.size();
    Optional<MemoryBudget.Permit> whole =
        size <= Math.min(streamingThresholdBytes, budget.perOperation())
            ? op.tryReserve(size)
            : Optional.empty();
    if (whole.isPresent()) {
      BytesContent content = load(request.source(), file, size, whole.get(), request.progress());
      files.put(storage, path, content);
      return new StoredObject(path, size, content.sha256(), 1);
    }
    try (FileTransfer transfer = FileTransfer.open(op, size, chunkSize, false, lanes)) {
      files.put(storage, path,
          new RegionContent(request.source(), file, 0, size, transfer, request.progress()));
      return new StoredObject(path, size, transfer.finish(FileTransfer.WHOLE), 1);
    }
  }

  /** Reads a small file whole into its permit's buffer, hashing it on the way. */
  private static BytesContent load(Path source, FileChannel file, long size,
      MemoryBudget.Permit permit, Progress progress) throws IOException {
    byte[] data = permit.buffer();
    int length = Math.toIntExact(size);
    InputStream in = Channels.newInputStream(file.position(0));
    int read = in.readNBytes(data, 0, length);
    if (read != length) {
      throw new LocalFileException(PentaractFailure.permanent(source + " became shorter while it "
          + "was being stored (" + read + " of " + length + " bytes); nothing was stored"));
    }
    MessageDigest d = Sha256.newDigest();
    d.update(data, 0, length);
    return new BytesContent(data, length, Sha256.hex(d), progress);
  }

  @Override
  public Received download(String storage, String path, LocalTarget target,
      MemoryBudget.Operation op, Progress progress) throws IOException, InterruptedException {
    long size = files.size(storage, path).orElseThrow(() -> RemoteFiles.missing(path));
    try (FileTransfer transfer = FileTransfer.open(op, size, chunkSize, false, lanes)) {
      MessageDigest start = transfer.saveWhole();
      HighWater seen = new HighWater(progress);
      files.download(path, storage, path, size,
          (in, length) -> target.receive(in, 0, size, transfer, start, seen));
      return new Received(size, transfer.finish(FileTransfer.WHOLE));
    }
  }

  @Override
  public void delete(String storage, String path) {
    files.remove(storage, path);
  }

  @Override
  public String location(String key) {
    return RemotePaths.object(key);
  }

  /**
   * Pentaract keeps no digest: a stored file of the right size is recorded with the SHA-256 of the
   * local file it was stored from (the same bytes: a file's key is its code, and its size must
   * match). Without that file (a URL job taken over on another node, a file moved away meanwhile)
   * the stored file itself is read and hashed: a complete object is never taken for a partial one
   * and removed for want of a local copy. Plain objects are at most a segment's size unless
   * segments are off, so that read is short.
   */
  @Override
  public Optional<StoredObject> complete(String storage, String key, long size, Path source,
      MemoryBudget.Operation op) throws IOException, InterruptedException {
    String path = location(key);
    OptionalLong stored = files.size(storage, path);
    if (stored.isEmpty() || stored.getAsLong() != size) {
      return Optional.empty();
    }
    try (MemoryBudget.Permit buffer = op.reserveUpTo(chunkSize, Math.min(chunkSize, 64 << 10))) {
      if (source != null && Files.isRegularFile(source) && Files.size(source) == size) {
        return Optional.of(new StoredObject(path, size, Sha256.ofFile(source, buffer.buffer()), 1));
      }
      MessageDigest digest = Sha256.newDigest();
      byte[] b = buffer.buffer();
      long read = files.download(path, storage, path, size, (in, length) -> {
        long total = 0;
        for (int n; (n = in.read(b)) > 0; ) {
          digest.update(b, 0, n);
          total += n;
        }
        return total;
      });
      return read == size ? Optional.of(new StoredObject(path, size, Sha256.hex(digest), 1))
          : Optional.empty();
    }
  }
}
