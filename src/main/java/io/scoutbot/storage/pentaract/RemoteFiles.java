package io.scoutbot.storage.pentaract;

import io.scoutbot.storage.pentaract.PentaractClient.BodyReader;
import io.scoutbot.storage.pentaract.PentaractClient.TreeEntry;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single files in a Pentaract storage, each call retried with backoff and passed through the circuit
 * breaker ({@link Attempts}): idempotent puts, sizes, listings, downloads and deletes. The building
 * blocks of both object layouts and of the manifest store. Thread-safe; every method blocks.
 */
final class RemoteFiles {

  // the target is what operators know these lines by; the split into classes is ours
  private static final Logger log = LoggerFactory.getLogger(PentaractTarget.class);

  private final PentaractClient client;
  private final Attempts attempts;

  RemoteFiles(PentaractClient client, Attempts attempts) {
    this.client = client;
    this.attempts = attempts;
  }

  /**
   * Stores {@code content} at {@code path}; when the path is taken (a retried or resumed upload),
   * keeps a stored copy of the same size and replaces any other.
   */
  void put(String storage, String path, UploadBody.Content content) throws IOException {
    if (send(storage, path, content)) {
      return;
    }
    OptionalLong remote = size(storage, path);
    if (remote.isPresent() && remote.getAsLong() == content.length()) {
      log.info("{} is already in Pentaract with the expected {} bytes; keeping it", path,
          content.length());
      if (content instanceof RegionContent region) {
        region.hashLocally();
      }
      return;
    }
    log.info("{} is in Pentaract with {} instead of {} bytes (left by an interrupted upload); "
        + "replacing it", path, remote.isPresent() ? remote.getAsLong() + "" : "no complete",
        content.length());
    remove(storage, path);
    if (!send(storage, path, content)) {
      throw PentaractFailure.retry(path + " reappeared in Pentaract right after it was deleted; "
          + "another upload may be writing the same path", 409);
    }
  }

  /**
   * One {@code upload_to} of {@code content}, retried.
   *
   * @return true when stored; false when the path is taken
   */
  boolean send(String storage, String path, UploadBody.Content content) {
    return attempts.run("upload of " + path,
        () -> client.uploadTo(storage, path, new UploadBody(path, content)));
  }

  /** The size of the complete file at {@code path}, or empty when there is none. */
  OptionalLong size(String storage, String path) {
    return attempts.run("size check of " + path, () -> client.size(storage, path));
  }

  /** The direct children of {@code folder}; empty when it does not exist. */
  List<TreeEntry> list(String storage, String folder) {
    return attempts.run("listing of " + folder, () -> client.tree(storage, folder));
  }

  /**
   * Streams the file at {@code path} into {@code reader}; a retry calls the reader again from the
   * first byte.
   *
   * @param label how log lines and failures name the file ("segment 2 of 5 (…)")
   * @param size what the listing or manifest says the file holds
   */
  long download(String label, String storage, String path, long size, BodyReader reader) {
    return attempts.run("download of " + label,
        () -> client.download(storage, path, size, reader));
  }

  /** Deletes the file at {@code path}, or the folder and all under it when it ends with {@code /}. */
  void remove(String storage, String path) {
    attempts.run("delete of " + path, () -> {
      client.delete(storage, path);
      return null;
    });
  }

  /**
   * Pentaract keeps a deleted file's folder as an empty row: drops the {@code scoutbot/<CODE>}
   * folder of {@code location} once nothing is left in it.
   */
  void removeEmptyCodeFolder(String storage, String location) {
    RemotePaths.codeFolder(location).ifPresent(code -> {
      if (list(storage, code).isEmpty()) {
        remove(storage, code + "/");
      }
    });
  }

  /** An object the catalog knows of is not in the storage. */
  static PentaractFailure missing(String location) {
    return PentaractFailure.permanent("the object " + location + " is missing from the Pentaract "
        + "storage; this copy of the file cannot be recovered from Pentaract", 404);
  }
}
