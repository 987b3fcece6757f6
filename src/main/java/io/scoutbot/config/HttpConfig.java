package io.scoutbot.config;

import java.util.Objects;

/**
 * Where {@code serve} listens for the status page, health checks and metrics. Immutable. Anything but
 * loopback requires {@code token}.
 */
public record HttpConfig(String host, int port, Secret token) {

  public HttpConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(token, "token");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be from 0 to 65535: " + port);
    }
  }

  /** Returns whether the address only accepts connections from this host. */
  public boolean loopback() {
    return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost")
        || host.startsWith("127.");
  }
}
