package io.scoutbot.storage.pentaract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A Pentaract access token and, when it is a readable JWT, when it expires. Immutable. The value is
 * never part of {@link #toString()}, so a token cannot leak into a log line by accident.
 */
final class AccessToken {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String value;
  private final Optional<Instant> expiresAt;

  private AccessToken(String value, Optional<Instant> expiresAt) {
    this.value = Objects.requireNonNull(value, "value");
    this.expiresAt = expiresAt;
  }

  /**
   * Wraps the {@code access_token} of a login answer. Pentaract issues HS256 JWTs with an {@code exp}
   * claim; the signature is not ours to check, only the expiry is read so that a token is renewed
   * before a long upload instead of failing half-way. An unreadable token is used until it is refused.
   */
  static AccessToken of(String value) {
    return new AccessToken(value, expiry(value));
  }

  String value() {
    return value;
  }

  Optional<Instant> expiresAt() {
    return expiresAt;
  }

  /** True when the token expires within {@code margin} of {@code now}. */
  boolean expiresWithin(Duration margin, Instant now) {
    return expiresAt.map(exp -> !now.plus(margin).isBefore(exp)).orElse(false);
  }

  private static Optional<Instant> expiry(String jwt) {
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims == null ? null : claims.get("exp");
      return exp != null && exp.canConvertToLong()
          ? Optional.of(Instant.ofEpochSecond(exp.asLong()))
          : Optional.empty();
    } catch (IllegalArgumentException | java.io.IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "AccessToken[expiresAt=" + expiresAt.map(Instant::toString).orElse("unknown") + "]";
  }
}
