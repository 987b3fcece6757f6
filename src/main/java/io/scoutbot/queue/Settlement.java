package io.scoutbot.queue;

import java.time.Instant;
import java.util.Objects;

/** How a claimed job ended, as recorded by {@link UploadQueue#settle}. Immutable. */
public sealed interface Settlement {

  /** Stored; {@code size} is what the backend stored. */
  record Completed(long size) implements Settlement {}

  /** Sent in the chat its route names, instead of being stored. */
  record Delivered(long size) implements Settlement {}

  /**
   * Back to pending until {@code at}.
   *
   * @param counted whether this failure counts against the retry limit (outages do not)
   */
  record Retry(Instant at, String error, boolean counted) implements Settlement {
    public Retry {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * Given up for good.
   *
   * @param keepSource whether the job's temp copy stays (the failure was not the file's own, so
   *     {@code queue --retry} can run it again); a copy is removed only for the file's own faults
   */
  record Failed(String error, boolean keepSource) implements Settlement {
    public Failed {
      Objects.requireNonNull(error, "error");
    }

    /** Failed for the file's own reason: its temp copy goes. */
    public Failed(String error) {
      this(error, false);
    }
  }

  /** Waits for the configuration to be fixed; {@code reason} says what to fix. */
  record Blocked(String reason) implements Settlement {
    public Blocked {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Interrupted unfinished (shutdown): due again at once, and the attempt does not count. */
  record Released() implements Settlement {}

  /** Its owner cancelled it while it ran; {@code reason} is recorded as its last error. */
  record Cancelled(String reason) implements Settlement {
    public Cancelled {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
