package io.scoutbot.health;

/**
 * Reports whether a dependency (a storage backend, the database) can be used right now, for {@code
 * status} and {@code /ready}. Implementations answer from recent knowledge or a cheap probe and never
 * block for long.
 */
@FunctionalInterface
public interface HealthCheck {

  Health check();

  /** The answer: up or not, and one line saying why. */
  record Health(boolean up, String detail) {
    public static Health up(String detail) {
      return new Health(true, detail);
    }

    public static Health down(String detail) {
      return new Health(false, detail);
    }
  }
}
