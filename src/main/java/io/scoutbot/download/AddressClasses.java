package io.scoutbot.download;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Names the address classes a URL must not reach: everything that is not a public unicast address.
 * IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are judged by
 * the address they carry, because that is where the packets end up. Stateless.
 */
final class AddressClasses {

  private AddressClasses() {}

  /** Why {@code a} is not a public address, or empty when it is one. */
  static Optional<String> special(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 4 ? v4(b) : v6(b);
  }

  /** The same address without an IPv6 scope, so that {@code fe80::1%eth0} equals {@code fe80::1}. */
  static InetAddress withoutScope(InetAddress a) {
    if (a instanceof Inet6Address) {
      try {
        return InetAddress.getByAddress(a.getAddress());
      } catch (UnknownHostException e) {
        return a;
      }
    }
    return a;
  }

  private static Optional<String> v4(byte[] b) {
    int a0 = b[0] & 0xFF;
    int a1 = b[1] & 0xFF;
    int a2 = b[2] & 0xFF;
    if (a0 == 0) {
      return Optional.of("the unspecified address or \"this network\" (0.0.0.0/8, which reaches"
          + " this machine)");
    }
    if (a0 == 127) {
      return Optional.of("a loopback address (this machine)");
    }
    if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
      return Optional.of("a private network address (RFC 1918)");
    }
    if (a0 == 100 && a1 >= 64 && a1 <= 127) {
      return Optional.of("a carrier-grade NAT address (100.64.0.0/10)");
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("a link-local address (169.254.0.0/16, where cloud metadata services"
          + " such as 169.254.169.254 live)");
    }
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return Optional.of("a reserved address (192.0.0.0/24, IETF protocol assignments)");
    }
    if (a0 == 198 && (a1 == 18 || a1 == 19)) {
      return Optional.of("a reserved address (198.18.0.0/15, benchmarking networks)");
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("a multicast address");
    }
    if (a0 >= 240) {
      return Optional.of("a reserved or broadcast address (240.0.0.0/4)");
    }
    return Optional.empty();
  }

  private static Optional<String> v6(byte[] b) {
    if (zeros(b, 0, 15) && (b[15] == 0 || b[15] == 1)) {
      return Optional.of(b[15] == 0 ? "the unspecified address (::, which reaches this machine)"
          : "a loopback address (this machine)");
    }
    if (zeros(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
      return embedded(b, 12, "IPv4-mapped");
    }
    if (zeros(b, 0, 12)) {
      return embedded(b, 12, "IPv4-compatible");
    }
    int w0 = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    int w1 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    if (w0 == 0x0064 && w1 == 0xff9b) {
      if (zeros(b, 4, 12)) {
        return embedded(b, 12, "NAT64");
      }
      return Optional.of("a local-use NAT64 address (64:ff9b:1::/48)");
    }
    if (w0 == 0x2002) {
      return embedded(b, 2, "6to4");
    }
    if (w0 == 0x2001 && w1 == 0) {
      // Teredo: the client's IPv4 address is stored inverted in the last four bytes
      byte[] client = new byte[4];
      for (int i = 0; i < 4; i++) {
        client[i] = (byte) ~b[12 + i];
      }
      return v4(client).map(why -> why + " (inside a Teredo address)");
    }
    if (w0 == 0x0100 && w1 == 0 && zeros(b, 4, 8)) {
      return Optional.of("a discard-only address (100::/64)");
    }
    if ((b[0] & 0xFE) == 0xFC) {
      return Optional.of("a private IPv6 address (unique local, fc00::/7)");
    }
    if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0x80) {
      return Optional.of("a link-local IPv6 address (fe80::/10)");
    }
    if ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0xC0) {
      return Optional.of("a site-local IPv6 address (fec0::/10)");
    }
    if ((b[0] & 0xFF) == 0xFF) {
      return Optional.of("a multicast address");
    }
    return Optional.empty();
  }

  private static Optional<String> embedded(byte[] b, int from, String form) {
    byte[] v4 = {b[from], b[from + 1], b[from + 2], b[from + 3]};
    return v4(v4).map(why -> why + " (in " + form + " IPv6 form)");
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
