package io.scoutbot.download;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;

/**
 * HttpClient's name lookups, through the {@link NetGuard}: the connection operator connects to the
 * addresses returned here and nowhere else, so the checked answer is the connected one. Thread-safe.
 */
final class GuardedDns implements DnsResolver {

  private final NetGuard guard;

  GuardedDns(NetGuard guard) {
    this.guard = guard;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    return guard.resolve(host);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    return Arrays.stream(guard.resolve(host)).map(a -> new InetSocketAddress(a, port)).toList();
  }

  @Override
  public String resolveCanonicalHostname(String host) {
    // only Kerberos/SPNEGO asks, which is never enabled here; answering without a lookup keeps
    // every lookup on the guarded path
    return host;
  }
}
