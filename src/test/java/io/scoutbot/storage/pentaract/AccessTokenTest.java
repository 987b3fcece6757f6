package io.scoutbot.storage.pentaract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading a token's expiry, and never printing the token. */
class AccessTokenTest {

  private static String jwt(String claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
  }

  @Test
  void jwt_exposesItsExpiry() {
    AccessToken t = AccessToken.of(jwt("{\"sub\":\"u\",\"exp\":1767226800}"));

    assertThat(t.expiresAt()).hasValue(Instant.ofEpochSecond(1767226800));
    assertThat(t.expiresWithin(Duration.ofSeconds(60), Instant.ofEpochSecond(1767226700)))
        .isFalse();
    assertThat(t.expiresWithin(Duration.ofSeconds(60), Instant.ofEpochSecond(1767226750)))
        .isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"opaque-token", "a.b", "a.!!!.c", "e30.e30.e30"})
  void unreadableTokens_neverCountAsExpiring(String value) {
    AccessToken t = AccessToken.of(value);

    assertThat(t.expiresAt()).isEmpty();
    assertThat(t.expiresWithin(Duration.ofDays(365), Instant.now())).isFalse();
  }

  @Test
  void toString_neverShowsTheValue() {
    String value = jwt("{\"exp\":1767226800}");

    assertThat(AccessToken.of(value).toString()).doesNotContain(value).contains("expiresAt");
  }
}
