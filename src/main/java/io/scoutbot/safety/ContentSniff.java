package io.scoutbot.safety;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * Recognises programs and scripts by their first bytes, whatever their name: ELF (Linux, BSD,
 * Android), PE (Windows, {@code MZ} with its {@code PE} header, so a text file starting "MZ" is not
 * mistaken for one), Mach-O (macOS, including universal binaries but not Java class files, which
 * share their magic number) and {@code #!} scripts. Stateless.
 */
final class ContentSniff {

  /** A kind of program, as a refusal names it. */
  enum Kind {
    ELF("a Linux program (ELF)"),
    PE("a Windows program (PE)"),
    MACH_O("a macOS program (Mach-O)"),
    SCRIPT("a script (it starts with #!)");

    final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  /** The largest offset a PE header may sit at that we look at; real ones are below 1 KiB. */
  private static final long MAX_PE_OFFSET = 1 << 20;
  /** Below this, a {@code CAFEBABE} file is a universal Mach-O (its architecture count), above it a Java class (its version). */
  private static final int JAVA_FIRST_MAJOR = 45;

  private ContentSniff() {}

  /** The kind of program {@code ch} holds, if it is one; reads at most a few bytes. */
  static Optional<Kind> sniff(FileChannel ch, byte[] buffer) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buffer, 0, 64).order(ByteOrder.BIG_ENDIAN);
    int n = readFully(ch, b, 0);
    if (n < 2) {
      return Optional.empty();
    }
    if (buffer[0] == '#' && buffer[1] == '!') {
      return Optional.of(Kind.SCRIPT);
    }
    if (n < 4) {
      return Optional.empty();
    }
    int magic = ByteBuffer.wrap(buffer, 0, 8).getInt();
    switch (magic) {
      case 0x7F454C46 -> {
        return Optional.of(Kind.ELF);
      }
      case 0xFEEDFACE, 0xFEEDFACF, 0xCEFAEDFE, 0xCFFAEDFE -> {
        return Optional.of(Kind.MACH_O);
      }
      case 0xCAFEBABE -> {
        if (n >= 8 && ByteBuffer.wrap(buffer, 0, 8).getInt(4) < JAVA_FIRST_MAJOR) {
          return Optional.of(Kind.MACH_O);
        }
        return Optional.empty();
      }
      default -> {
        // fall through to the PE check
      }
    }
    if (buffer[0] == 'M' && buffer[1] == 'Z' && n >= 0x40) {
      long peOffset = ByteBuffer.wrap(buffer, 0, 0x40).order(ByteOrder.LITTLE_ENDIAN)
          .getInt(0x3C) & 0xFFFFFFFFL;
      if (peOffset >= 0x40 && peOffset <= MAX_PE_OFFSET) {
        ByteBuffer sig = ByteBuffer.wrap(buffer, 0, 4);
        if (readFully(ch, sig, peOffset) == 4 && buffer[0] == 'P' && buffer[1] == 'E'
            && buffer[2] == 0 && buffer[3] == 0) {
          return Optional.of(Kind.PE);
        }
      }
    }
    return Optional.empty();
  }

  private static int readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    int start = b.position();
    while (b.hasRemaining()) {
      int n = ch.read(b, at + b.position() - start);
      if (n < 0) {
        break;
      }
    }
    return b.position() - start;
  }
}
