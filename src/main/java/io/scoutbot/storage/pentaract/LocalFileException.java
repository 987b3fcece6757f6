package io.scoutbot.storage.pentaract;

import java.io.IOException;

/**
 * A failure of the local file side of a transfer (the source could not be read, the target not
 * written), raised inside HTTP streaming where only IOExceptions pass; carries the failure to report so
 * that it is not mistaken for a network fault.
 */
final class LocalFileException extends IOException {

  private final PentaractFailure failure;

  LocalFileException(PentaractFailure failure) {
    super(failure.getMessage(), failure.getCause());
    this.failure = failure;
  }

  PentaractFailure failure() {
    return failure;
  }
}
