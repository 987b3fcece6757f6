package io.scoutbot.files;

/**
 * One owner's storage statistics. Immutable. Deleted and still-pending files count neither as
 * successes nor as failures.
 *
 * @param files stored files now
 * @param totalBytes their total size
 * @param uploadsLastDay uploads that finished (stored or failed) in the last 24 hours
 * @param completed uploads that succeeded, ever (deleted ones included: they were stored)
 * @param failed uploads that failed, ever
 * @param averageUploadSeconds mean time from first byte to stored over successful uploads; 0 if none
 */
public record StorageStats(
    long files,
    long totalBytes,
    long uploadsLastDay,
    long completed,
    long failed,
    double averageUploadSeconds) {

  /** Percentage of finished uploads that succeeded; 100 when nothing has finished yet. */
  public double successRate() {
    long finished = completed + failed;
    return finished == 0 ? 100.0 : 100.0 * completed / finished;
  }
}
