package io.scoutbot.web;

import java.util.Map;

/**
 * The recent resource history the status page charts ({@code GET /api/history}): a JSON-ready
 * document of columns {@code t}, {@code cpu}, {@code memory}, {@code throttled} with the thresholds
 * and the server's {@code now}, as {@code io.scoutbot.metrics.ResourceHistory#toMap} makes it.
 * Implementations answer from memory, at once; thread-safe.
 */
@FunctionalInterface
public interface HistorySource {

  Map<String, Object> history();

  /** No history: the page then draws an empty chart. */
  static HistorySource none() {
    return Map::of;
  }
}
