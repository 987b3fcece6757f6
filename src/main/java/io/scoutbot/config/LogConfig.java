package io.scoutbot.config;

import java.util.Objects;

/** Log level and format. Immutable. Logs always go to stderr; stdout belongs to command output. */
public record LogConfig(String level, boolean json) {

  public LogConfig {
    Objects.requireNonNull(level, "level");
  }
}
