package io.scoutbot.retry;

import java.util.Objects;

/**
 * Root of the service's unchecked failures: carries a message written for the user or operator (what
 * went wrong and what happens next) and the {@link Disposition} decided where the cause was known.
 */
public class ScoutFailure extends RuntimeException {

  private final Disposition disposition;

  public ScoutFailure(String message, Disposition disposition) {
    this(message, disposition, null);
  }

  public ScoutFailure(String message, Disposition disposition, Throwable cause) {
    super(message, cause);
    this.disposition = Objects.requireNonNull(disposition, "disposition");
  }

  public Disposition disposition() {
    return disposition;
  }

  /** The disposition of any throwable: ours carry one; interruptions and unknown faults are transient. */
  public static Disposition dispositionOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ScoutFailure f) {
        return f.disposition();
      }
    }
    return Disposition.RETRY;
  }
}
