package io.scoutbot.config;

/** JDBC URLs as they may be shown: with any password masked. Stateless. */
public final class JdbcUrls {

  private JdbcUrls() {}

  /**
   * The URL with a {@code password=} parameter and the password of {@code //user:password@host}
   * replaced by {@code ***}, so it can be logged and shown in status.
   */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
  }
}
