package io.scoutbot.config;

import java.util.Objects;

/**
 * Where {@code serve} listens for the status page, health checks and metrics. Immutable. Anything but
 * loopback requires {@code token}.
 *
 * @param enabled false with {@code HTTP_ADDR=off}: {@code serve} opens no port at all
 * @param token the bearer token every request but {@code /health} must carry; empty: none asked
 */
public record HttpConfig(boolean enabled, String host, int port, Secret token) {

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(token, "token");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be from 0 to 65535: " + port);
    }
    if (enabled && !loopback(host) && token.isEmpty()) {
      throw new IllegalArgumentException(
          "listening on " + host + " (not loopback) requires a token (HTTP_TOKEN)");
    }
  }

  /** An enabled server on {@code host:port}. */
  public HttpConfig(String host, int port, Secret token) {
    this(true, host, port, token);
  }

  /** No HTTP server ({@code HTTP_ADDR=off}). */
  public static HttpConfig off() {
    return new HttpConfig(false, "127.0.0.1", 0, Secret.empty());
  }

  /** Returns whether the address only accepts connections from this host. */
  public boolean loopback() {
    return loopback(host);
  }

  private static boolean loopback(String host) {
    return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost")
        || host.startsWith("127.");
  }
}
