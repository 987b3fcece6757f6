package io.scoutbot.download;

import java.net.URI;
import java.net.URISyntaxException;

/** How URLs appear in messages and logs: without user:password@ and without the query. */
final class Urls {

  private Urls() {}

  /** {@code scheme://host[:port]/path}: a query or user info may hold a token. */
  static String shown(URI u) {
    if (u.getHost() == null) {
      String s = u.toString();
      int q = s.indexOf('?');
      return q < 0 ? s : s.substring(0, q) + "?…";
    }
    try {
      URI bare = new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null);
      return bare.toString() + (u.getRawQuery() == null ? "" : "?…");
    } catch (URISyntaxException e) {
      return u.getScheme() + "://" + u.getHost();
    }
  }
}
