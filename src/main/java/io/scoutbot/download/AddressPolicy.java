package io.scoutbot.download;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Which addresses a download may connect to. Implementations are thread-safe.
 */
@FunctionalInterface
public interface AddressPolicy {

  /** Why {@code address} may not be connected to (for the user, e.g. "a loopback address"), or empty. */
  Optional<String> refusal(InetAddress address);

  /**
   * Public addresses only: refuses loopback, private (RFC 1918, ULA), link-local, CGNAT, multicast,
   * unspecified and reserved addresses, IPv6 forms that embed one of those (IPv4-mapped, NAT64,
   * 6to4, Teredo), and every address of this host's own interfaces (read at each check, so a
   * changed interface counts at once).
   */
  static AddressPolicy publicOnly() {
    return publicOnly(AddressPolicy::interfaceAddresses);
  }

  /** {@link #publicOnly()} with this host's own addresses from {@code own} (tests). */
  static AddressPolicy publicOnly(Supplier<Set<InetAddress>> own) {
    return address -> {
      Optional<String> special = AddressClasses.special(address);
      if (special.isPresent()) {
        return special;
      }
      return own.get().contains(AddressClasses.withoutScope(address))
          ? Optional.of("one of this machine's own addresses")
          : Optional.empty();
    };
  }

  /** Allows every address (DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true). */
  static AddressPolicy anything() {
    return address -> Optional.empty();
  }

  /** The addresses of every network interface of this host; empty when they cannot be read. */
  static Set<InetAddress> interfaceAddresses() {
    try {
      return NetworkInterface.networkInterfaces()
          .flatMap(NetworkInterface::inetAddresses)
          .map(AddressClasses::withoutScope)
          .collect(Collectors.toUnmodifiableSet());
    } catch (SocketException e) {
      return Set.of();
    }
  }
}
