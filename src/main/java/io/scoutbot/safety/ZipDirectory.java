package io.scoutbot.safety;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Reads a zip archive's table of contents (its central directory) entry by entry, without
 * extracting anything and without reading the archive's data: the end-of-directory record is
 * looked for in the file's last 64 KiB, then the directory is streamed through one buffer. Handles
 * ZIP64, data before the archive (self-extracting programs, polyglot files) and Info-ZIP Unicode
 * path fields, whose name some tools prefer to the plain one. Not thread-safe; one per check.
 */
final class ZipDirectory {

  /** Told about every entry; returns false to stop reading. */
  @FunctionalInterface
  interface EntryVisitor {
    /**
     * @param name the entry's path inside the archive, as stored
     * @param symlink whether the entry is a Unix symbolic link
     */
    boolean visit(String name, boolean symlink);
  }

  /** What reading found. */
  enum Outcome {
    /** No zip archive here. */
    NOT_ZIP,
    /** An archive; every entry was visited (or the visitor stopped). */
    READ,
    /** It looks like a zip archive, but its table of contents cannot be read. */
    UNREADABLE
  }

  /** The buffer must hold one directory header with its name and extra fields (3 × 64 KiB). */
  static final int BUFFER = 3 * 64 * 1024;

  private static final int LOCAL_SIG = 0x04034b50;
  private static final int CEN_SIG = 0x02014b50;
  private static final int END_SIG = 0x06054b50;
  private static final int END64_SIG = 0x06064b50;
  private static final int END64_LOC_SIG = 0x07064b50;
  private static final int END_LEN = 22;
  private static final int END64_LOC_LEN = 20;
  private static final int END64_LEN = 56;
  private static final int CEN_LEN = 46;
  private static final int UNICODE_PATH = 0x7075;
  private static final int UNIX_HOST = 3;
  private static final int S_IFMT = 0170000;
  private static final int S_IFLNK = 0120000;
  private static final Charset CP437 =
      Charset.isSupported("IBM437") ? Charset.forName("IBM437") : StandardCharsets.ISO_8859_1;

  private final FileChannel ch;
  private final ByteBuffer buf;
  private final long size;
  private long winStart = -1;
  private int winLen;

  private ZipDirectory(FileChannel ch, byte[] buffer) throws IOException {
    if (buffer.length < BUFFER) {
      throw new IllegalArgumentException("a zip directory buffer needs " + BUFFER + " bytes");
    }
    this.ch = ch;
    this.buf = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
    this.size = ch.size();
  }

  /** Reads the archive in {@code ch} (if it is one) into {@code visitor}, using {@code buffer}. */
  static Outcome read(FileChannel ch, byte[] buffer, EntryVisitor visitor) throws IOException {
    return new ZipDirectory(ch, buffer).read(visitor);
  }

  private Outcome read(EntryVisitor visitor) throws IOException {
    boolean looksLikeZip = startsLikeZip();
    try {
      long end = findEnd();
      if (end < 0) {
        return looksLikeZip ? Outcome.UNREADABLE : Outcome.NOT_ZIP;
      }
      return entries(end, visitor) ? Outcome.READ : invalid(looksLikeZip);
    } catch (Malformed e) {
      return invalid(looksLikeZip);
    }
  }

  private static Outcome invalid(boolean looksLikeZip) {
    // a chance "PK\5\6" near the end of some other file is not an archive
    return looksLikeZip ? Outcome.UNREADABLE : Outcome.NOT_ZIP;
  }

  private boolean startsLikeZip() throws IOException {
    if (size < 4) {
      return false;
    }
    int sig = buf.getInt(offset(0, 4));
    return sig == LOCAL_SIG || sig == END_SIG || sig == 0x08074b50;
  }

  /** The position of the end-of-directory record, the one nearest the end; -1 if none. */
  private long findEnd() throws IOException {
    if (size < END_LEN) {
      return -1;
    }
    long from = Math.max(0, size - (END_LEN + 0xFFFF));
    int len = (int) (size - from);
    int base = offset(from, len);
    for (int i = len - END_LEN; i >= 0; i--) {
      if (buf.getInt(base + i) == END_SIG) {
        int commentLength = u16(base + i + 20);
        if (from + i + END_LEN + commentLength <= size) {
          return from + i;
        }
      }
    }
    return -1;
  }

  /** Visits every entry; false when the directory is not where the end record says. */
  private boolean entries(long end, EntryVisitor visitor) throws IOException {
    int e = offset(end, END_LEN);
    long total = u16(e + 10);
    long cenSize = u32(e + 12);
    long cenOffset = u32(e + 16);
    long dirEnd = end;
    if (total == 0xFFFF || cenSize == 0xFFFFFFFFL || cenOffset == 0xFFFFFFFFL) {
      long end64 = findEnd64(end);
      if (end64 < 0) {
        return false;
      }
      int z = offset(end64, END64_LEN);
      total = buf.getLong(z + 32);
      cenSize = buf.getLong(z + 40);
      dirEnd = end64;
    }
    // the directory ends where the end records begin; counting back from there also finds it when
    // data was put in front of the archive (its recorded offset is then too small)
    long pos = dirEnd - cenSize;
    if (cenSize < 0 || pos < 0 || total < 0) {
      return false;
    }
    long seen = 0;
    while (pos < dirEnd) {
      if (dirEnd - pos < CEN_LEN) {
        return false;
      }
      int h = offset(pos, CEN_LEN);
      if (buf.getInt(h) != CEN_SIG) {
        return false;
      }
      int madeBy = u16(h + 4);
      int flags = u16(h + 8);
      int nameLen = u16(h + 28);
      int extraLen = u16(h + 30);
      int commentLen = u16(h + 32);
      long external = u32(h + 38);
      long next = pos + CEN_LEN + nameLen + extraLen + commentLen;
      if (next > dirEnd) {
        return false;
      }
      h = offset(pos, CEN_LEN + nameLen + extraLen);
      Charset cs = (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : CP437;
      String name = new String(buf.array(), h + CEN_LEN, nameLen, cs);
      boolean symlink =
          (madeBy >> 8) == UNIX_HOST && ((external >>> 16) & S_IFMT) == S_IFLNK;
      if (!visitor.visit(name, symlink)) {
        return true;
      }
      String unicode = unicodePath(h + CEN_LEN + nameLen, extraLen);
      if (unicode != null && !unicode.equals(name) && !visitor.visit(unicode, symlink)) {
        return true;
      }
      seen++;
      pos = next;
    }
    return seen == total || total == (seen & 0xFFFF);
  }

  private long findEnd64(long end) throws IOException {
    if (end < END64_LOC_LEN) {
      return -1;
    }
    int l = offset(end - END64_LOC_LEN, END64_LOC_LEN);
    if (buf.getInt(l) != END64_LOC_SIG) {
      return -1;
    }
    long recorded = buf.getLong(l + 8);
    for (long candidate : new long[] {recorded, end - END64_LOC_LEN - END64_LEN}) {
      if (candidate >= 0 && candidate + END64_LEN <= end
          && buf.getInt(offset(candidate, END64_LEN)) == END64_SIG) {
        return candidate;
      }
    }
    return -1;
  }

  /** The Info-ZIP Unicode path in the extra fields at {@code off}, or null. */
  private String unicodePath(int off, int len) {
    int p = off;
    int end = off + len;
    while (p + 4 <= end) {
      int id = u16(p);
      int size = u16(p + 2);
      if (p + 4 + size > end) {
        return null;
      }
      if (id == UNICODE_PATH && size > 5) {
        // version (1 byte), CRC-32 of the plain name (4 bytes), then the UTF-8 name
        return new String(buf.array(), p + 9, size - 5, StandardCharsets.UTF_8);
      }
      p += 4 + size;
    }
    return null;
  }

  /**
   * The offset in the buffer where the file's bytes {@code [pos, pos + len)} are, reading them in
   * when they are not in the buffer already.
   */
  private int offset(long pos, int len) throws IOException {
    if (pos < 0 || pos + len > size) {
      throw new Malformed();
    }
    if (pos >= winStart && pos + len <= winStart + winLen) {
      return (int) (pos - winStart);
    }
    ByteBuffer b = buf.duplicate().clear();
    long at = pos;
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
    winStart = pos;
    winLen = b.position();
    if (winLen < len) {
      throw new Malformed();
    }
    return 0;
  }

  private int u16(int off) {
    return buf.getShort(off) & 0xFFFF;
  }

  private long u32(int off) {
    return buf.getInt(off) & 0xFFFFFFFFL;
  }

  /** The file ends where the archive says it goes on. */
  private static final class Malformed extends IOException {
    Malformed() {
      super("the zip archive's table of contents points past its end");
    }
  }
}
