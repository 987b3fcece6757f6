package io.scoutbot.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The status page's files, read once from the classpath ({@code src/main/resources/web/}) when the
 * server is built: a few kilobytes, served from memory with an ETag so a browser revalidates
 * instead of downloading them again. Immutable; thread-safe.
 */
final class StaticFiles {

  /** One file: its bytes, media type and entity tag. */
  record Asset(byte[] body, String type, String etag) {}

  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "svg", "image/svg+xml");

  private final Map<String, Asset> assets;

  private StaticFiles(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /** Reads {@code /web/<name>} for each name; a missing one is a packaging bug and fails at once. */
  static StaticFiles load(String... names) {
    Map<String, Asset> out = new LinkedHashMap<>();
    for (String name : names) {
      String resource = "/web/" + name;
      try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("the status page file " + resource
              + " is missing from the jar; rebuild it (./scoutbot build)");
        }
        byte[] body = in.readAllBytes();
        String ext = name.substring(name.lastIndexOf('.') + 1);
        out.put(name, new Asset(body, TYPES.getOrDefault(ext, "application/octet-stream"),
            "\"" + HexFormat.of().formatHex(sha256(body), 0, 8) + "\""));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + resource, e);
      }
    }
    return new StaticFiles(Map.copyOf(out));
  }

  Optional<Asset> get(String name) {
    return Optional.ofNullable(assets.get(name));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
