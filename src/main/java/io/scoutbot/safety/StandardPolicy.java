package io.scoutbot.safety;

import io.scoutbot.config.SafetyConfig;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard {@link FilePolicy}: the name's final extension, then (when content checks are on)
 * the first bytes, then a zip archive's table of contents. Thread-safe and stateless; each check
 * reserves one buffer of {@link ZipDirectory#BUFFER} bytes from the memory budget for its reads.
 *
 * <p>Only the final extension counts, so {@code site.com.pdf} and {@code v1.2.tar.gz} pass while
 * {@code invoice.pdf.exe} does not; a single-file compressor's extension ({@code .gz}, {@code .xz},
 * ...) is looked through, because {@code setup.exe.gz} is one decompression away from a program.
 * Archives other than zip (tar, 7z, rar) are not looked into: reading their names means
 * decompressing the whole stream or a format library.
 */
final class StandardPolicy implements FilePolicy {

  private static final Logger log = LoggerFactory.getLogger(StandardPolicy.class);

  /** Single-file compressors: what is inside keeps the name without this extension. */
  private static final Set<String> COMPRESSORS =
      Set.of("gz", "bz2", "xz", "zst", "lz", "lzma", "lz4", "z", "br");

  private static final String WHY = "programs and scripts are not stored here, so the store cannot"
      + " pass malware on";
  private static final String HINT = " Zip archives holding such files are refused too; if you"
      + " need this type stored, ask the operator to remove it from SAFETY_BLOCKED_EXTENSIONS.";

  private final Set<String> blocked;
  private final boolean checkContent;
  private final MemoryBudget budget;

  StandardPolicy(SafetyConfig config, MemoryBudget budget) {
    this.blocked = config.blockedExtensions();
    this.checkContent = config.checkContent();
    this.budget = budget;
  }

  @Override
  public Verdict check(String name, Path file) throws InterruptedException {
    String clean = FileNames.sanitise(name);
    Optional<Verdict.Refused> byName = byName(clean);
    if (byName.isPresent()) {
      return refused(clean, byName.get());
    }
    if (!checkContent) {
      return Verdict.ALLOWED;
    }
    try (MemoryBudget.Permit permit = budget.reserve(ZipDirectory.BUFFER);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] buffer = permit.buffer();
      Optional<ContentSniff.Kind> kind = ContentSniff.sniff(ch, buffer);
      if (kind.isPresent()) {
        return refused(clean, new Verdict.Refused(Rule.EXECUTABLE_CONTENT,
            "'" + clean + "' is refused: its content is " + kind.get().description
                + ", whatever its name says; " + WHY + "." + HINT));
      }
      return archive(clean, ch, buffer);
    } catch (IOException e) {
      throw new ScoutFailure("cannot read '" + clean + "' to check it (" + e.getMessage()
          + "); the job is retried", Disposition.RETRY, e);
    }
  }

  private Optional<Verdict.Refused> byName(String clean) {
    String ext = FileNames.extension(clean);
    if (blocked.contains(ext)) {
      return Optional.of(new Verdict.Refused(Rule.EXTENSION,
          "'" + clean + "' is refused: ." + ext + " files are programs or scripts, and " + WHY
              + "." + HINT));
    }
    if (COMPRESSORS.contains(ext)) {
      String inner = FileNames.extension(FileNames.stem(clean));
      if (blocked.contains(inner)) {
        return Optional.of(new Verdict.Refused(Rule.COMPRESSED_EXTENSION,
            "'" + clean + "' is refused: it is a compressed ." + inner + " file, a program or"
                + " script once decompressed, and " + WHY + "." + HINT));
      }
    }
    return Optional.empty();
  }

  private Verdict archive(String clean, FileChannel ch, byte[] buffer) throws IOException {
    AtomicReference<Verdict.Refused> refusal = new AtomicReference<>();
    ZipDirectory.Outcome outcome =
        ZipDirectory.read(ch, buffer, (entry, symlink) -> {
          Verdict.Refused r = entry(clean, entry, symlink);
          refusal.set(r);
          return r == null;
        });
    if (refusal.get() != null) {
      return refused(clean, refusal.get());
    }
    if (outcome == ZipDirectory.Outcome.UNREADABLE) {
      return refused(clean, new Verdict.Refused(Rule.ARCHIVE_UNREADABLE,
          "'" + clean + "' is refused: it looks like a zip archive, but its table of contents"
              + " cannot be read (damaged or truncated), so what it holds cannot be checked."
              + " Re-create the archive and send it again."));
    }
    return Verdict.ALLOWED;
  }

  private Verdict.Refused entry(String archive, String entry, boolean symlink) {
    String shown = printable(entry);
    if (symlink) {
      return new Verdict.Refused(Rule.ARCHIVE_PATH,
          "'" + archive + "' is refused: its entry '" + shown + "' is a symbolic link, which"
              + " can make unpacking write outside the folder it unpacks into (a path trick).");
    }
    if (escapes(entry)) {
      return new Verdict.Refused(Rule.ARCHIVE_PATH,
          "'" + archive + "' is refused: its entry '" + shown + "' would be written outside the"
              + " folder it is unpacked into (a path trick).");
    }
    if (entry.endsWith("/") || entry.endsWith("\\")) {
      return null;
    }
    String inner = FileNames.sanitise(entry);
    String ext = FileNames.extension(inner);
    if (blocked.contains(ext)) {
      return new Verdict.Refused(Rule.ARCHIVE_ENTRY,
          "'" + archive + "' is refused: it holds '" + shown + "', and ." + ext + " files are"
              + " programs or scripts; " + WHY + ", not even inside archives. If you need this"
              + " type stored, ask the operator to remove it from SAFETY_BLOCKED_EXTENSIONS.");
    }
    return null;
  }

  /** Whether an entry's path leaves the folder it is unpacked into, on any common system. */
  static boolean escapes(String entry) {
    if (entry.indexOf('\0') >= 0 || entry.startsWith("/") || entry.startsWith("\\")
        || entry.matches("^[A-Za-z]:.*")) {
      return true;
    }
    for (String segment : entry.split("[/\\\\]")) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
        b.append(String.format("\\u%04x", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.length() > 200 ? b.substring(0, 200) + "…" : b.toString();
  }

  private static Verdict refused(String name, Verdict.Refused r) {
    log.warn("Refused file '{}' by rule {}: {}", name, r.rule(), r.message());
    return r;
  }
}
