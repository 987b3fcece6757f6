package io.scoutbot.download;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks a host name up: the seam of the SSRF guard, so tests can give answers that change between
 * calls (DNS rebinding). Implementations are thread-safe and may block.
 */
@FunctionalInterface
public interface HostResolver {

  /** Every address {@code host} has now (an IP literal is its own answer, without a lookup). */
  InetAddress[] resolve(String host) throws UnknownHostException;

  /** The system's resolver (the JDK's, with its short cache). */
  static HostResolver system() {
    return InetAddress::getAllByName;
  }
}
