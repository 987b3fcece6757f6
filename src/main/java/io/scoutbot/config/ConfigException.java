package io.scoutbot.config;

import java.util.List;

/**
 * Thrown when settings are missing or malformed; each problem is one line naming the variable, the
 * value and what is allowed. The launcher prints them and exits with code 2.
 */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
