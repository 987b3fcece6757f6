package io.scoutbot.storage.pentaract;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.io.EOFException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads and writes the manifests of segmented files. A manifest is written last, after every
 * segment, so its presence means the file is complete; an existing one is kept only when it says
 * exactly the same. Reading takes exactly as many bytes as the listing gives, however the answer is
 * framed, and a large one is read into memory reserved from the budget. Thread-safe; every method
 * blocks.
 */
final class ManifestStore {

  /** Manifests up to this size (about 60 segments) are read without asking the memory budget. */
  private static final int SMALL_MANIFEST = 8 << 10;

  private final RemoteFiles files;
  private final MemoryBudget budget;

  ManifestStore(RemoteFiles files, MemoryBudget budget) {
    this.files = files;
    this.budget = budget;
  }

  /**
   * The manifest at {@code location}, or empty when there is none. Call it holding no other
   * budgeted memory: a large manifest waits for its own reservation.
   *
   * @throws PentaractFailure permanent when the manifest is damaged
   */
  Optional<Manifest> read(String storage, String location) {
    OptionalLong size = files.size(storage, location);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    if (size.getAsLong() > Manifest.MAX_BYTES) {
      throw PentaractFailure.permanent("the manifest " + location + " is " + size.getAsLong()
          + " bytes, more than any real one; the stored copy is damaged");
    }
    int length = (int) size.getAsLong();
    if (length <= SMALL_MANIFEST) {
      return Optional.of(parse(fetch(storage, location, new byte[length]), location));
    }
    if (length > budget.perOperation()) {
      throw PentaractFailure.permanent("the manifest " + location + " is " + length + " bytes, "
          + "more than one transfer may hold in memory (RESOURCE_MAX_MEMORY_MB); raise it to read "
          + "this file");
    }
    try (MemoryBudget.Operation op = budget.openOperation("pentaract manifest " + location);
        MemoryBudget.Permit permit = op.reserveUpTo(length, length)) {
      return Optional.of(parse(fetch(storage, location, permit.buffer()), location));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PentaractFailure.cancelled("reading the manifest " + location, e);
    }
  }

  /**
   * Like {@link #read}, but a damaged manifest (any permanent failure) reads as none: it describes
   * nothing complete, and the folder listing still finds its segments. Transient failures are
   * thrown.
   */
  Optional<Manifest> readUnlessDamaged(String storage, String location) {
    try {
      return read(storage, location);
    } catch (PentaractFailure f) {
      if (f.disposition().retryable()) {
        throw f;
      }
      return Optional.empty();
    }
  }

  /** Writes the manifest; an existing one is kept only when it says exactly the same. */
  void write(String storage, String location, Manifest manifest) {
    byte[] json = manifest.toJson();
    MessageDigest d = Sha256.newDigest();
    d.update(json);
    BytesContent content = new BytesContent(json, json.length, Sha256.hex(d), Progress.NONE);
    if (files.send(storage, location, content)) {
      return;
    }
    Optional<Manifest> existing = readUnlessDamaged(storage, location); // damaged: replace it
    if (existing.isPresent() && existing.get().equals(manifest)) {
      return;
    }
    files.remove(storage, location);
    if (!files.send(storage, location, content)) {
      throw PentaractFailure.retry(location + " reappeared in Pentaract right after it was "
          + "deleted; another upload may be writing the same file", 409);
    }
  }

  /** Fills {@code into} with the manifest's bytes; an answer with more is refused, not read. */
  private byte[] fetch(String storage, String location, byte[] into) {
    int length = into.length;
    files.download(location, storage, location, length, (in, declared) -> {
      int got = in.readNBytes(into, 0, length);
      if (got < length) {
        throw new EOFException("the manifest ended after " + got + " of " + length + " bytes");
      }
      if (in.read() >= 0) {
        throw PentaractFailure.retry("Pentaract sent more than the " + length + " bytes the "
            + "listing gives for the manifest " + location + " (an answer without "
            + "Content-Length); the stored copy is damaged, or being written again", 200);
      }
      return got;
    });
    return into;
  }

  private static Manifest parse(byte[] json, String location) {
    try {
      return Manifest.parse(json, location);
    } catch (IllegalArgumentException e) {
      throw PentaractFailure.permanent("the manifest " + location + " is damaged ("
          + e.getMessage() + "); the file cannot be reassembled from Pentaract", e);
    }
  }
}
