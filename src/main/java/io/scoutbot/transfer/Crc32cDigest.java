package io.scoutbot.transfer;

import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * CRC32C dressed as a {@link MessageDigest}, so the hashing thread that feeds SHA-256 can feed it
 * too. Used where a cheap check of a part is enough because the whole is covered by SHA-256: the JDK's
 * CRC32C runs on the CPU's CRC instructions at many GB/s, a tenth of SHA-256's cost or less. Not
 * thread-safe, like every {@code MessageDigest}.
 */
public final class Crc32cDigest extends MessageDigest implements Cloneable {

  private CRC32C crc = new CRC32C();

  public Crc32cDigest() {
    super("CRC32C");
  }

  @Override
  protected int engineGetDigestLength() {
    return 4;
  }

  @Override
  protected void engineUpdate(byte input) {
    crc.update(input);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    crc.update(input, offset, len);
  }

  @Override
  protected byte[] engineDigest() {
    long v = crc.getValue();
    crc.reset();
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  @Override
  protected void engineReset() {
    crc.reset();
  }

  @Override
  public Object clone() throws CloneNotSupportedException {
    throw new CloneNotSupportedException("CRC32C state cannot be copied; start a new digest");
  }
}
