package io.scoutbot.fetch;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/**
 * Local files need no fetching: the file (the user's, read in place, or the job's copy in temp
 * space) is used where it is. Checks it is still there and readable. Stateless and thread-safe.
 */
final class LocalFileFetcher implements Fetcher {

  @Override
  public Fetched fetch(FetchRequest request) {
    JobSource.LocalFile source = (JobSource.LocalFile) request.source();
    try {
      long size = Files.size(source.path());
      if (!Files.isReadable(source.path())) {
        throw new ScoutFailure("cannot read " + source.path() + ": permission denied",
            Disposition.PERMANENT);
      }
      return new Fetched(source.path(), request.name(), size, null);
    } catch (NoSuchFileException e) {
      throw new ScoutFailure("cannot read " + source.path() + ": the file no longer exists",
          Disposition.PERMANENT, e);
    } catch (IOException e) {
      throw new ScoutFailure("cannot read " + source.path() + ": " + e.getMessage(),
          Disposition.PERMANENT, e);
    }
  }
}
