package io.scoutbot.storage.pentaract;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.storage.pentaract.PentaractClient.TreeEntry;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadFactory;

/**
 * A file larger than PENTARACT_SEGMENT_MB, stored as numbered segments plus a JSON manifest written
 * last (see {@link RemotePaths}), so that neither ScoutBot nor Pentaract, which holds each request
 * body in RAM two to three times over, ever holds more than a segment. Uploads resume segment by
 * segment; downloads are verified against the manifest segment by segment (CRC32C) and as a whole
 * (SHA-256). Thread-safe.
 */
final class SegmentedLayout implements ObjectLayout {

  private final RemoteFiles files;
  private final ManifestStore manifests;
  private final long segmentBytes;
  private final int chunkSize;
  private final ThreadFactory lanes;

  /**
   * @param segmentBytes the most one segment holds; 0 stores nothing in segments
   * @param chunkSize bytes per streaming buffer (RESOURCE_STREAMING_CHUNK_SIZE)
   * @param lanes makes the threads that hash beside the transfer
   */
  SegmentedLayout(RemoteFiles files, ManifestStore manifests, long segmentBytes, int chunkSize,
      ThreadFactory lanes) {
    this.files = files;
    this.manifests = manifests;
    this.segmentBytes = segmentBytes;
    this.chunkSize = chunkSize;
    this.lanes = lanes;
  }

  /** Whether a file of {@code size} bytes is stored in segments. */
  boolean fits(long size) {
    return segmentBytes > 0 && size > segmentBytes;
  }

  @Override
  public StoredObject upload(String storage, UploadRequest request, FileChannel file,
      MemoryBudget.Operation op) throws IOException, InterruptedException {
    long size = request.size();
    long segment = segmentBytes;
    int count = Math.toIntExact((size + segment - 1) / segment);
    List<Manifest.Segment> segments = new ArrayList<>(count);
    String sha256;
    try (FileTransfer transfer = FileTransfer.open(op, size, chunkSize, true, lanes)) {
      for (int i = 1; i <= count; i++) {
        long offset = (i - 1) * segment;
        long length = Math.min(segment, size - offset);
        String path = RemotePaths.segment(request.key(), i);
        files.put(storage, path,
            new RegionContent(request.source(), file, offset, length, transfer, request.progress()));
        segments.add(new Manifest.Segment(path, length, transfer.finish(FileTransfer.SEGMENT)));
      }
      sha256 = transfer.finish(FileTransfer.WHOLE);
    }
    // after the buffers are released: a retried upload may have to read an existing manifest
    String location = RemotePaths.manifest(request.key());
    manifests.write(storage, location, Manifest.of(request.key(), size, sha256, segment, segments));
    return new StoredObject(location, size, sha256, count);
  }

  @Override
  public Received download(String storage, String location, LocalTarget target,
      MemoryBudget.Operation op, Progress progress) throws IOException, InterruptedException {
    Manifest manifest =
        manifests.read(storage, location).orElseThrow(() -> RemoteFiles.missing(location));
    int count = manifest.segments().size();
    try (FileTransfer transfer = FileTransfer.open(op, manifest.size(), chunkSize, true, lanes)) {
      long position = 0;
      for (int i = 0; i < count; i++) {
        Manifest.Segment s = manifest.segments().get(i);
        MessageDigest start = transfer.saveWhole();
        HighWater seen = new HighWater(progress);
        long at = position;
        String label = "segment " + (i + 1) + " of " + count + " (" + s.path() + ")";
        files.download(label, storage, s.path(), s.size(), (in, length) -> {
          long got = target.receive(in, at, s.size(), transfer, start, seen);
          String crc = transfer.finish(FileTransfer.SEGMENT);
          if (!crc.equals(s.crc32c())) {
            throw PentaractFailure.retry(label + " arrived with CRC32C " + crc + " instead of "
                + s.crc32c(), 200);
          }
          return got;
        });
        position += s.size();
      }
      String sha256 = transfer.finish(FileTransfer.WHOLE);
      if (position != manifest.size() || !sha256.equals(manifest.sha256())) {
        throw PentaractFailure.permanent("the segments of " + location + " reassemble to "
            + position + " bytes with SHA-256 " + sha256 + ", but the manifest says "
            + manifest.size() + " bytes with " + manifest.sha256()
            + "; the stored copy is inconsistent");
      }
      return new Received(position, sha256);
    }
  }

  /**
   * Deletes the segments the manifest names, the manifest, then whatever else is left in the
   * segment folder (a damaged manifest names nothing, and an interrupted upload may have left
   * segments without one) and the folder itself.
   */
  @Override
  public void delete(String storage, String location) {
    String folder = RemotePaths.folderOf(location);
    Optional<Manifest> manifest = manifests.readUnlessDamaged(storage, location);
    for (Manifest.Segment s : manifest.map(Manifest::segments).orElse(List.of())) {
      files.remove(storage, s.path());
    }
    files.remove(storage, location);
    for (TreeEntry leftover : files.list(storage, folder)) {
      files.remove(storage, leftover.isFile() ? leftover.path() : leftover.path() + "/");
    }
    if (RemotePaths.codeFolder(location).isPresent()) {
      files.remove(storage, folder + "/");
    }
  }

  /** The file's size when the manifest is intact and every segment it names is complete. */
  @Override
  public OptionalLong size(String storage, String location) {
    Optional<Manifest> manifest = manifests.readUnlessDamaged(storage, location);
    if (manifest.isEmpty()) {
      return OptionalLong.empty();
    }
    Map<String, Long> stored = new HashMap<>();
    for (TreeEntry e : files.list(storage, RemotePaths.folderOf(location))) {
      if (e.isFile()) {
        stored.put(e.path(), e.size());
      }
    }
    for (Manifest.Segment s : manifest.get().segments()) {
      if (stored.getOrDefault(s.path(), -1L) != s.size()) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(manifest.get().size());
  }
}
