package io.scoutbot.bot;

import java.util.Set;

/**
 * Who may use the bot (ALLOWED_USER_ID; empty lets everyone in) and who may see the operator's
 * {@code /status} (ADMIN_USER_IDS, by default the first allowed id). Immutable.
 */
record Access(Set<Long> allowed, Set<Long> admins) {

  Access {
    allowed = Set.copyOf(allowed);
    admins = Set.copyOf(admins);
  }

  boolean allowed(long userId) {
    return allowed.isEmpty() || allowed.contains(userId);
  }

  boolean admin(long userId) {
    return admins.contains(userId) && allowed(userId);
  }
}
