package io.scoutbot.web;

import java.util.Map;

/**
 * The service's status report as a JSON-ready document (the object {@code status --json} prints,
 * with the transfers in flight and the recent failures), for {@code GET /api/status} and the status
 * page. Called on an HTTP thread for every request: implementations read what is known and return
 * within a second or two; a failure is shown to the caller as a 503 with its message.
 */
@FunctionalInterface
public interface StatusSource {

  /** Keys to values that Jackson writes as they are: strings, numbers, booleans, lists, maps, null. */
  Map<String, Object> status();

  /** An empty document, for a server with nothing wired yet. */
  static StatusSource empty() {
    return Map::of;
  }
}
