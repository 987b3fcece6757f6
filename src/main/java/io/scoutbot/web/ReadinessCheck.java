package io.scoutbot.web;

import java.util.List;

/**
 * Whether the service can do its work now, part by part (the database answers; the storage is
 * reachable and, for Pentaract, logged in), for {@code GET /ready}. Implementations ask each part
 * cheaply (recent knowledge or one short probe); the server gives up waiting after a few seconds and
 * reports the check itself as not ready. Thread-safe.
 */
@FunctionalInterface
public interface ReadinessCheck {

  Readiness check();

  /** Ready with nothing checked, for a server with nothing wired yet. */
  static ReadinessCheck none() {
    return () -> new Readiness(List.of());
  }
}
