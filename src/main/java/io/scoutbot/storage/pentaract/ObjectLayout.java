package io.scoutbot.storage.pentaract;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.OptionalLong;

/**
 * How one shape of remote object is written, read back, sized and deleted in a Pentaract storage:
 * a plain file ({@link PlainLayout}) or numbered segments plus a manifest ({@link SegmentedLayout}).
 * The target picks the layout; the layout owns every request about the object. Implementations are
 * thread-safe and stream: memory held is the operation's budgeted buffers, never the file.
 */
interface ObjectLayout {

  /**
   * Stores {@code request}'s file, read from {@code file}, with buffers reserved in {@code op};
   * blocks until the object is complete in Pentaract.
   */
  StoredObject upload(String storage, UploadRequest request, FileChannel file,
      MemoryBudget.Operation op) throws IOException, InterruptedException;

  /** Writes the object at {@code location} into {@code target} as the bytes arrive. */
  Received download(String storage, String location, LocalTarget target, MemoryBudget.Operation op,
      Progress progress) throws IOException, InterruptedException;

  /** Deletes every part of the object; what does not exist is not an error. */
  void delete(String storage, String location);

  /** The object's size, or empty when nothing complete is at {@code location}. */
  OptionalLong size(String storage, String location);
}
