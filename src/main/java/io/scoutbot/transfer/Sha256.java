package io.scoutbot.transfer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers: every stored file is identified by the hex digest of its bytes. Stateless. */
public final class Sha256 {

  private Sha256() {}

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * The hex digest of the file {@code file}, read through {@code buffer} (the caller's, so it can
   * come from the memory budget).
   */
  public static String ofFile(java.nio.file.Path file, byte[] buffer) throws java.io.IOException {
    MessageDigest d = newDigest();
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        d.update(buffer, 0, n);
      }
    }
    return hex(d);
  }

  /** The digest of no bytes at all. */
  public static String empty() {
    return hex(newDigest());
  }
}
