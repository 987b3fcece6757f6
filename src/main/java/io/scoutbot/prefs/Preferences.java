package io.scoutbot.prefs;

import io.scoutbot.queue.Route;

/**
 * Each user's choices: where fetched files go ({@code /mode}). Implementations are thread-safe and
 * safe across processes sharing one database.
 */
public interface Preferences {

  /** Where {@code ownerId}'s fetched files go; {@link Route.Kind#AUTO} until they choose. */
  Route.Kind route(long ownerId);

  /** Records {@code ownerId}'s choice. */
  void setRoute(long ownerId, Route.Kind route);
}
