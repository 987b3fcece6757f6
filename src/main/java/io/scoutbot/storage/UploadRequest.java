package io.scoutbot.storage;

import io.scoutbot.transfer.Progress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file to store. Immutable.
 *
 * @param source the local file; it must not change while the upload runs
 * @param key where to store it, relative and deterministic (see {@link ObjectKeys}); retrying with the
 *     same key is idempotent
 * @param size the file's size in bytes, known before the upload starts
 * @param mimeType the content type to record with the object
 */
public record UploadRequest(Path source, String key, long size, String mimeType, Progress progress) {

  public UploadRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(progress, "progress");
    if (size < 0) {
      throw new IllegalArgumentException("size cannot be negative: " + size);
    }
    ObjectKeys.requireValid(key);
  }
}
