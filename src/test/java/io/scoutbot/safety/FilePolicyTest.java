package io.scoutbot.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.scoutbot.config.SafetyConfig;
import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.retry.Disposition;
import io.scoutbot.retry.ScoutFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The file policy: a table of names and contents, each allowed or refused by one named rule. */
@Timeout(30)
class FilePolicyTest {

  private static final byte[] PDF = "%PDF-1.7\n1 0 obj\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] GZIP = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  private static final byte[] ELF = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0};
  private static final byte[] TEXT = "just some notes\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private final MemoryBudget budget = new MemoryBudget(8 << 20, 4 << 20);
  private final FilePolicy policy = FilePolicy.standard(SafetyConfig.defaults(), budget);

  static Stream<Arguments> table() throws IOException {
    return Stream.of(
        // names: only the final extension counts, after the name is cleaned as it will be stored
        Arguments.of("report.pdf", PDF, null),
        Arguments.of("site.com.pdf", PDF, null),
        Arguments.of("v1.2.tar.gz", GZIP, null),
        Arguments.of("my.app.notes.txt", TEXT, null),
        Arguments.of(".bashrc", TEXT, null),
        Arguments.of("README", TEXT, null),
        Arguments.of("setup.exe", TEXT, Rule.EXTENSION),
        Arguments.of("SETUP.EXE", TEXT, Rule.EXTENSION),
        Arguments.of("invoice.pdf.exe", PDF, Rule.EXTENSION),
        Arguments.of("setup.exe. . .", TEXT, Rule.EXTENSION),
        Arguments.of("evil\u202Egpj.exe", TEXT, Rule.EXTENSION),
        Arguments.of("../../tools/run.sh", TEXT, Rule.EXTENSION),
        Arguments.of("page.js", TEXT, Rule.EXTENSION),
        Arguments.of("app.apk", zip("AndroidManifest.xml"), Rule.EXTENSION),
        Arguments.of("setup.exe.gz", GZIP, Rule.COMPRESSED_EXTENSION),
        Arguments.of("install.sh.xz", TEXT, Rule.COMPRESSED_EXTENSION),
        Arguments.of("backup.tar.gz", GZIP, null),
        // content: programs and scripts whatever the name says
        Arguments.of("photo.jpg", ELF, Rule.EXECUTABLE_CONTENT),
        Arguments.of("photo.jpg", pe(), Rule.EXECUTABLE_CONTENT),
        Arguments.of("lib.dat", bytes(0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1), Rule.EXECUTABLE_CONTENT),
        Arguments.of("lib.dat", bytes(0xFE, 0xED, 0xFA, 0xCF, 0, 0, 0, 7), Rule.EXECUTABLE_CONTENT),
        Arguments.of("universal.bin", bytes(0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2),
            Rule.EXECUTABLE_CONTENT),
        Arguments.of("Main.class", bytes(0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0x41), null),
        Arguments.of("notes.txt", "#!/bin/sh\nrm -rf ~\n".getBytes(StandardCharsets.US_ASCII),
            Rule.EXECUTABLE_CONTENT),
        Arguments.of("mz.txt", "MZ is where the story begins, a long text about it......................."
            .getBytes(StandardCharsets.US_ASCII), null),
        Arguments.of("empty.txt", new byte[0], null),
        Arguments.of("one.txt", new byte[] {'#'}, null),
        // zip archives: the table of contents, never the data
        Arguments.of("docs.zip", zip("docs/", "docs/readme.txt", "site.com.pdf"), null),
        Arguments.of("report.docx", zip("[Content_Types].xml", "word/document.xml"), null),
        Arguments.of("tools.zip", zip("bin/", "bin/setup.exe"), Rule.ARCHIVE_ENTRY),
        Arguments.of("tools.zip", zip("readme.txt", "deep/er/INSTALL.BAT"), Rule.ARCHIVE_ENTRY),
        Arguments.of("slip.zip", zip("../../.ssh/authorized_keys"), Rule.ARCHIVE_PATH),
        Arguments.of("slip.zip", zip("a/../../b.txt"), Rule.ARCHIVE_PATH),
        Arguments.of("slip.zip", zip("/etc/cron.d/job"), Rule.ARCHIVE_PATH),
        Arguments.of("slip.zip", zip("..\\..\\win.ini"), Rule.ARCHIVE_PATH),
        Arguments.of("slip.zip", zip("C:\\Windows\\x.txt"), Rule.ARCHIVE_PATH),
        Arguments.of("photo.jpg", concat(bytes(0xFF, 0xD8, 0xFF, 0xE0), zip("setup.exe")),
            Rule.ARCHIVE_ENTRY),
        Arguments.of("photo.jpg", concat(bytes(0xFF, 0xD8, 0xFF, 0xE0), zip("cat.txt")), null),
        Arguments.of("half.zip", half(zip("a.txt", "b.txt")), Rule.ARCHIVE_UNREADABLE),
        Arguments.of("sneaky.zip", unicodePathZip("readme.txt", "setup.exe"),
            Rule.ARCHIVE_ENTRY),
        Arguments.of("links.zip", symlinkZip("etc"), Rule.ARCHIVE_PATH));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("table")
  void check_decidesByNameThenContent(String name, byte[] content, Rule expected)
      throws Exception {
    Path file = Files.write(dir.resolve("content.bin"), content);

    Verdict v = policy.check(name, file);

    if (expected == null) {
      assertThat(v).isEqualTo(Verdict.ALLOWED);
    } else {
      assertThat(v).isInstanceOfSatisfying(Verdict.Refused.class, r -> {
        assertThat(r.rule()).isEqualTo(expected);
        assertThat(r.message()).contains("is refused");
      });
    }
    assertThat(budget.inUse()).as("the check's buffer went back").isZero();
  }

  @Test
  void refusal_isPermanent_andSaysWhatToDo() throws Exception {
    Path file = Files.write(dir.resolve("x"), TEXT);

    assertThatThrownBy(() -> policy.requireAllowed("setup.exe", file))
        .isInstanceOfSatisfying(ScoutFailure.class, f -> {
          assertThat(f.disposition()).isEqualTo(Disposition.PERMANENT);
          assertThat(f.getMessage())
              .contains("'setup.exe' is refused", ".exe files are programs or scripts",
                  "Zip archives holding such files are refused too",
                  "SAFETY_BLOCKED_EXTENSIONS")
              .doesNotContain("compress it");
        });
  }

  @Test
  void archiveEntryRefusal_namesTheEntry() throws Exception {
    Path file = Files.write(dir.resolve("x.zip"), zip("bin/setup.exe"));

    Verdict v = policy.check("tools.zip", file);

    assertThat(((Verdict.Refused) v).message())
        .contains("'tools.zip' is refused: it holds 'bin/setup.exe'", "not even inside archives");
  }

  @Test
  void zip64Archive_isReadToItsLastEntry() throws Exception {
    String[] names = new String[70_001];
    for (int i = 0; i < 70_000; i++) {
      names[i] = "f" + i + ".txt";
    }
    names[70_000] = "last/setup.exe";
    Path file = Files.write(dir.resolve("big.zip"), zip(names));

    assertThat(policy.check("big.zip", file))
        .isInstanceOfSatisfying(Verdict.Refused.class,
            r -> assertThat(r.message()).contains("last/setup.exe"));
  }

  @Test
  void largeFile_isCheckedWithoutReadingIt() throws Exception {
    Path file = dir.resolve("huge.bin");
    try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(3L << 30); // sparse: reading it all would take seconds and show in the heap
    }

    assertThat(policy.check("huge.bin", file)).isEqualTo(Verdict.ALLOWED);
    assertThat(budget.peak()).isLessThanOrEqualTo(ZipDirectory.BUFFER);
  }

  @Test
  void contentChecksOff_judgesByNameOnly() throws Exception {
    FilePolicy names = FilePolicy.standard(new SafetyConfig(Set.of("exe"), false), budget);
    Path elf = Files.write(dir.resolve("x"), ELF);
    Path zip = Files.write(dir.resolve("z"), zip("../x.exe"));

    assertThat(names.check("photo.jpg", elf)).isEqualTo(Verdict.ALLOWED);
    assertThat(names.check("tools.zip", zip)).isEqualTo(Verdict.ALLOWED);
    assertThat(names.check("setup.exe", elf)).isNotEqualTo(Verdict.ALLOWED);
  }

  @Test
  void configuredList_replacesTheDefault() throws Exception {
    FilePolicy custom = FilePolicy.standard(new SafetyConfig(Set.of("pdf"), true), budget);
    Path text = Files.write(dir.resolve("x"), TEXT);

    assertThat(custom.check("report.pdf", text)).isNotEqualTo(Verdict.ALLOWED);
    assertThat(custom.check("setup.exe", text)).isEqualTo(Verdict.ALLOWED);
  }

  @Test
  void unreadableFile_isRetried_notRefused() {
    assertThatThrownBy(() -> policy.check("gone.txt", dir.resolve("missing")))
        .isInstanceOfSatisfying(ScoutFailure.class,
            f -> assertThat(f.disposition()).isEqualTo(Disposition.RETRY));
    assertThat(budget.inUse()).isZero();
  }

  // ---- content builders

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] half(byte[] b) {
    return Arrays.copyOf(b, b.length / 2);
  }

  /** A minimal Windows program: the DOS header pointing at a PE signature. */
  private static byte[] pe() {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3C, 0x80);
    b.put(0x80, (byte) 'P').put(0x81, (byte) 'E');
    return b.array();
  }

  static byte[] zip(String... names) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (String n : names) {
        z.putNextEntry(stored(n, new byte[0]));
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static ZipEntry stored(String name, byte[] data) {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    return e;
  }

  /** A zip whose plain name is harmless but whose Info-ZIP Unicode path says otherwise. */
  private static byte[] unicodePathZip(String plain, String unicode) throws IOException {
    byte[] u = unicode.getBytes(StandardCharsets.UTF_8);
    ByteBuffer extra = ByteBuffer.allocate(4 + 5 + u.length).order(ByteOrder.LITTLE_ENDIAN);
    extra.putShort((short) 0x7075).putShort((short) (5 + u.length)).put((byte) 1).putInt(0).put(u);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      ZipEntry e = stored(plain, new byte[0]);
      e.setExtra(extra.array());
      z.putNextEntry(e);
      z.closeEntry();
    }
    return out.toByteArray();
  }

  /** A zip with one entry marked as a Unix symbolic link (made by Unix, mode 0120777). */
  private static byte[] symlinkZip(String name) throws IOException {
    byte[] b = zip(name);
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 46 <= b.length; i++) {
      if (buf.getInt(i) == 0x02014b50) {
        buf.putShort(i + 4, (short) ((3 << 8) | 20));
        buf.putInt(i + 38, 0120777 << 16);
        return b;
      }
    }
    throw new AssertionError("no central directory header");
  }
}
