package io.scoutbot.files;

/**
 * How one submission of a {@link FileDesk#store} ended. Immutable.
 *
 * @param job its job; null when the submission was refused before anything was recorded
 * @param file the stored file when it was stored; else its entry if one exists, or null
 * @param error why it was not stored; null when it was
 */
public record UploadOutcome(Submission submission, JobView job, FileView file, String error) {

  /** Whether the file is stored. */
  public boolean ok() {
    return error == null && file != null && file.stored();
  }
}
