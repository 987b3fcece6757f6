package io.scoutbot.web;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks HTTP_TOKEN on requests: an {@code Authorization: Bearer <token>} header (scripts,
 * Prometheus), or the session cookie the login form sets (browsers cannot add a header to a page
 * they navigate to). The cookie holds an HMAC of a fixed text keyed with the token, never the token
 * itself, and stays valid until the token changes. Every comparison takes the same time whatever
 * the input (both sides are hashed to one length first, then compared with {@link
 * MessageDigest#isEqual}). Immutable; thread-safe.
 */
final class BearerAuth {

  static final String COOKIE = "scoutbot_session";
  private static final String SESSION_TEXT = "scoutbot status page session v1";

  private final byte[] tokenDigest;
  private final byte[] sessionDigest;
  private final String session;

  private BearerAuth(String token) {
    this.tokenDigest = token == null ? null : sha256(token.getBytes(StandardCharsets.UTF_8));
    this.session = token == null ? null : hmac(token, SESSION_TEXT);
    this.sessionDigest = session == null ? null : sha256(session.getBytes(StandardCharsets.UTF_8));
  }

  /** Asks for {@code token}; an empty or null token asks for nothing. */
  static BearerAuth of(String token) {
    return new BearerAuth(token == null || token.isEmpty() ? null : token);
  }

  /** Whether requests must carry the token. */
  boolean required() {
    return tokenDigest != null;
  }

  /** Whether a request with these headers may pass. */
  boolean allows(List<String> authorization, List<String> cookies) {
    if (!required()) {
      return true;
    }
    boolean ok = false;
    for (String a : authorization == null ? List.<String>of() : authorization) {
      if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
        ok |= matches(a.substring(7).strip());
      }
    }
    for (String header : cookies == null ? List.<String>of() : cookies) {
      for (String c : header.split(";")) {
        String kv = c.strip();
        if (kv.startsWith(COOKIE + "=")) {
          ok |= MessageDigest.isEqual(sessionDigest,
              sha256(kv.substring(COOKIE.length() + 1).getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
    return ok;
  }

  /** Whether {@code candidate} is the token (the login form's field). */
  boolean matches(String candidate) {
    return required()
        && MessageDigest.isEqual(tokenDigest, sha256(candidate.getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@code Set-Cookie} value that lets a browser in after a successful login. */
  String sessionCookie() {
    return COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict";
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String hmac(String key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
