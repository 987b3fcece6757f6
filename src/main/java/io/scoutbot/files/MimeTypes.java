package io.scoutbot.files;

import java.net.URLConnection;

/** Content types guessed from file names, for the catalog and for uploads. Stateless. */
final class MimeTypes {

  private MimeTypes() {}

  static String guess(String name) {
    String t = URLConnection.guessContentTypeFromName(name);
    return t == null ? "application/octet-stream" : t;
  }
}
