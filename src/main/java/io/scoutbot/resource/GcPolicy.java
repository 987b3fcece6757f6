package io.scoutbot.resource;

/**
 * What to do about heap memory after an upload finished (RESOURCE_GC_AFTER_UPLOAD). Implementations
 * are thread-safe and return quickly: a collection, if any, runs off the caller's thread.
 */
@FunctionalInterface
public interface GcPolicy {

  /**
   * Called after each successful upload.
   *
   * @param path which upload path finished: {@code "pentaract"}, {@code "telegram"}, {@code "queue"}
   */
  void afterUpload(String path);

  /** Never collects. */
  static GcPolicy none() {
    return path -> {};
  }
}
