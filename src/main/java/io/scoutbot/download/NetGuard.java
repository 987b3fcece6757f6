package io.scoutbot.download;

import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The SSRF guard: only http and https, and only addresses the {@link AddressPolicy} allows. A host
 * is looked up once per connection and the connection goes to exactly the addresses that were
 * checked (HttpClient and the yt-dlp proxy both connect to what {@link #resolve} returned, never
 * looking the name up again), so a DNS answer that changes between check and connect cannot slip
 * through. Redirects are new connections and pass the guard again. Thread-safe.
 */
public final class NetGuard {

  /** The setting that lifts the address rule, named in every refusal. */
  static final String SETTING = "DOWNLOAD_ALLOW_PRIVATE_NETWORKS";

  private final HostResolver resolver;
  private final AddressPolicy policy;

  public NetGuard(HostResolver resolver, AddressPolicy policy) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The system resolver, public addresses only unless {@code allowPrivateNetworks}. */
  public static NetGuard of(boolean allowPrivateNetworks) {
    return new NetGuard(HostResolver.system(),
        allowPrivateNetworks ? AddressPolicy.anything() : AddressPolicy.publicOnly());
  }

  /**
   * Checks what can be checked without a lookup: the scheme and a host present (addresses,
   * IP literals included, are checked by {@link #resolve} at connect time).
   *
   * @throws ScoutFailure (permanent) naming the rule
   */
  public void checkUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": only http:// and https:// URLs"
          + " can be fetched" + (scheme.isEmpty() ? "" : ", not " + scheme + "://"),
          Disposition.PERMANENT);
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new ScoutFailure("cannot fetch " + Urls.shown(url) + ": the URL has no host",
          Disposition.PERMANENT);
    }
  }

  /**
   * The guard as a first answer at submission ({@link io.scoutbot.fetch.UrlScreen}): the URL's
   * form, then one lookup of its host. A host that does not resolve now passes: the fetch reports
   * it and retries, since names come back.
   *
   * @throws ScoutFailure (permanent) for what the fetch would refuse in any case
   */
  public void screen(URI url) {
    checkUrl(url);
    try {
      resolve(url.getHost());
    } catch (Refused r) {
      throw r.failure(url);
    } catch (UnknownHostException e) {
      // not the guard's refusal: the fetch retries lookups
    }
  }

  /**
   * Looks {@code host} up once and returns the addresses a connection may use: those the policy
   * allows (a host with some refused addresses is reached through its allowed ones only).
   *
   * @throws Refused (an {@link UnknownHostException}, so HTTP clients pass it through) when no
   *     address is allowed; its message is for the user
   */
  public InetAddress[] resolve(String host) throws UnknownHostException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
        : host;
    InetAddress[] all = resolver.resolve(h);
    List<InetAddress> allowed = new ArrayList<>(all.length);
    String firstRefusal = null;
    InetAddress firstRefused = null;
    for (InetAddress a : all) {
      Optional<String> why = policy.refusal(a);
      if (why.isEmpty()) {
        allowed.add(a);
      } else if (firstRefusal == null) {
        firstRefusal = why.get();
        firstRefused = a;
      }
    }
    if (allowed.isEmpty()) {
      if (firstRefusal == null) {
        throw new UnknownHostException(h + ": no address");
      }
      throw new Refused(h, firstRefused, firstRefusal);
    }
    return allowed.toArray(InetAddress[]::new);
  }

  /** A host that resolved to no allowed address; the message says why and how to allow it. */
  public static final class Refused extends UnknownHostException {

    private final String userMessage;

    Refused(String host, InetAddress address, String why) {
      super(host);
      String addr = address.getHostAddress();
      String which = addr.equalsIgnoreCase(host) ? addr : host + " (" + addr + ")";
      this.userMessage = which + " is " + why + "; downloads from loopback, private, link-local"
          + " and other non-public addresses are refused, so that a URL cannot reach services"
          + " inside this host's network. An operator who trusts every user can allow them with "
          + SETTING + "=true";
    }

    /** Why the host was refused and how to allow it, for the user. */
    public String userMessage() {
      return userMessage;
    }

    /** The refusal as the failure a fetch ends with: permanent, since retrying cannot help. */
    ScoutFailure failure(URI url) {
      return new ScoutFailure("cannot fetch " + Urls.shown(url) + ": " + userMessage,
          Disposition.PERMANENT, this);
    }
  }
}
