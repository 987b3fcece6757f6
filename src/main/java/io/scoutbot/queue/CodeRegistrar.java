package io.scoutbot.queue;

import io.scoutbot.catalog.FileCatalog;
import io.scoutbot.catalog.FileStatus;
import io.scoutbot.catalog.NewFile;
import java.net.URLConnection;

/**
 * Registers a job's file in the catalog (status pending) so the user learns its code at once.
 * Thread-safe.
 */
public interface CodeRegistrar {

  /** Registers the job's file under a fresh code and returns the code. */
  String register(Job job);

  /**
   * Withdraws a registration that lost a race: the job got another code first. The entry becomes
   * invisible to its owner.
   */
  void withdraw(String code, String reason);

  /** Registration in {@code catalog}, under the job's original name and destination. */
  static CodeRegistrar catalog(FileCatalog catalog) {
    return new CodeRegistrar() {
      @Override
      public String register(Job job) {
        String mime = URLConnection.guessContentTypeFromName(job.name());
        return catalog
            .register(new NewFile(job.ownerId(), job.name(), job.size(),
                mime == null ? "application/octet-stream" : mime, job.destination(),
                FileStatus.PENDING))
            .code();
      }

      @Override
      public void withdraw(String code, String reason) {
        catalog.transition(code, FileStatus.DELETED, null, reason);
      }
    };
  }
}
