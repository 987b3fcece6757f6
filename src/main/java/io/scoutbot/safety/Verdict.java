package io.scoutbot.safety;

import java.util.Objects;

/** What the {@link FilePolicy} decided about one file. Immutable. */
public sealed interface Verdict {

  /** The file may be stored. */
  Verdict ALLOWED = new Allowed();

  /** Whether the file may be stored. */
  default boolean allowed() {
    return this instanceof Allowed;
  }

  /** The file may be stored. */
  record Allowed() implements Verdict {}

  /**
   * The file is refused, for good: retrying cannot change the verdict.
   *
   * @param rule which rule refused it
   * @param message why, written for the user as it is (it names the file, the rule and what to do)
   */
  record Refused(Rule rule, String message) implements Verdict {
    public Refused {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(message, "message");
    }
  }
}
