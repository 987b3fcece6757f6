package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user and a script see it: output, JSON documents and exit codes. */
class CliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private final Map<String, String> env = new HashMap<>();

  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not one JSON document:\n" + out, e);
      }
    }
  }

  @BeforeEach
  void quietLogs() {
    env.put("LOG_LEVEL", "warn");
    // these tests are about the CLI's contract; the governor (ResourceGovernorIT, the resource
    // package) would make them wait whenever the test machine's CPU is busy
    env.put("RESOURCE_MONITORING_ENABLED", "false");
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, env, work, new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }

  private Path file(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Path p = work.resolve(name);
    Files.write(p, data);
    return p;
  }

  private String upload(Path file, String... extra) {
    String[] args = new String[extra.length + 3];
    args[0] = "upload";
    args[1] = file.toString();
    args[2] = "--json";
    System.arraycopy(extra, 0, args, 3, extra.length);
    Run r = run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r.json().get("files").get(0).get("code").asText();
  }

  @Test
  void upload_json_printsOneDocumentWithTheSeedKeysPerFile() throws IOException {
    Path pdf = file("some.pdf", 100_000);

    Run r = run("upload", pdf.toString(), "--json");

    assertThat(r.exit()).isZero();
    JsonNode f = r.json().get("files").get(0);
    assertThat(f.get("code").asText()).matches("[A-Z0-9]{6}");
    assertThat(f.get("name").asText()).isEqualTo("some.pdf");
    assertThat(f.get("size").asLong()).isEqualTo(100_000);
    assertThat(f.get("sha256").asText()).hasSize(64);
    assertThat(f.get("status").asText()).isEqualTo("completed");
    assertThat(f.get("remote_path").asText()).isEqualTo(f.get("code").asText() + "/some.pdf");
  }

  @Test
  void upload_thenDownload_givesIdenticalBytes() throws IOException {
    Path pdf = file("some.pdf", 250_000);
    String code = upload(pdf);

    Run r = run("download", code.toLowerCase(), "-o", work.resolve("copy.pdf").toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.mismatch(pdf, work.resolve("copy.pdf"))).isEqualTo(-1);
    assertThat(r.out()).contains("verified");
  }

  @Test
  void download_intoADirectory_usesTheFileName() throws IOException {
    String code = upload(file("named.bin", 10));
    Path out = Files.createDirectory(work.resolve("out"));

    Run r = run("download", code, "-o", out.toString(), "--json");

    assertThat(r.exit()).isZero();
    assertThat(out.resolve("named.bin")).hasSize(10);
    assertThat(r.json().get("path").asText()).isEqualTo(out.resolve("named.bin").toString());
  }

  @Test
  void upload_missingFile_failsWithOneLine_andRecordsNothing() {
    Run r = run("upload", work.resolve("nope.pdf").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("error: " + work.resolve("nope.pdf") + ": no such file");
    assertThat(run("list", "--json").json().get("total_files").asInt()).isZero();
    assertThat(run("stats", "--json").json().get("failed").asInt()).isZero();
  }

  @Test
  void upload_directory_failsWithOneLine() throws IOException {
    Path d = Files.createDirectory(work.resolve("folder"));

    Run r = run("upload", d.toString(), "--json");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("is a directory");
    assertThat(r.json().get("files").get(0).get("status").asText()).isEqualTo("failed");
  }

  @Test
  void upload_unreadableFile_failsWithOneLine() throws IOException {
    Path f = file("secret.bin", 10);
    Assumptions.assumeTrue(f.toFile().setReadable(false, false) && !Files.isReadable(f),
        "running as root: a file cannot be made unreadable here");

    Run r = run("upload", f.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("permission denied");
  }

  @Test
  void upload_severalFilesWithOneBad_storesTheGoodOnesAndExitsWithOne() throws IOException {
    Path good = file("good.txt", 5);

    Run r = run("upload", good.toString(), work.resolve("bad.txt").toString(), "--json");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().get("files")).hasSize(2);
    assertThat(r.json().get("failed").asInt()).isEqualTo(1);
    assertThat(run("list", "--json").json().get("total_files").asInt()).isEqualTo(1);
  }

  @Test
  void anotherUser_seesNoneOfTheFirstUsersFiles() throws IOException {
    String code = upload(file("mine.txt", 3), "--user", "111");

    assertThat(run("list", "--user", "222", "--json").json().get("total_files").asInt()).isZero();
    Run info = run("info", code, "--user", "222");
    Run unknown = run("info", "ZZZZZ9", "--user", "222");
    assertThat(info.exit()).isEqualTo(1);
    assertThat(info.err()).isEqualTo(unknown.err().replace("ZZZZZ9", code));
    assertThat(run("download", code, "--user", "222").exit()).isEqualTo(1);
    assertThat(run("delete", code, "--user", "222").exit()).isEqualTo(1);
    assertThat(run("info", code, "--user", "111").exit()).isZero();
  }

  @Test
  void listInfoDeleteStats_behave() throws IOException {
    String a = upload(file("a.txt", 100));
    upload(file("b.txt", 200));

    JsonNode list = run("list", "--json").json();
    assertThat(list.get("total_files").asInt()).isEqualTo(2);
    assertThat(list.get("total_size").asLong()).isEqualTo(300);

    JsonNode info = run("info", a, "--json").json();
    assertThat(info.get("name").asText()).isEqualTo("a.txt");
    assertThat(info.get("mime_type").asText()).isEqualTo("text/plain");

    Run del = run("delete", a, "--json");
    assertThat(del.exit()).isZero();
    assertThat(del.json().get("deleted").asBoolean()).isTrue();
    assertThat(run("info", a).exit()).isEqualTo(1);

    JsonNode stats = run("stats", "--json").json();
    assertThat(stats.get("files").asInt()).isEqualTo(1);
    assertThat(stats.get("total_size").asLong()).isEqualTo(200);
    assertThat(stats.get("success_rate").asDouble()).isEqualTo(100.0);
  }

  @Test
  void download_ofACorruptedStoredFile_failsLoudly_andWritesNothing() throws IOException {
    String code = upload(file("c.bin", 1000));
    Path stored = work.resolve("data/storage/" + code + "/c.bin");
    byte[] bytes = Files.readAllBytes(stored);
    bytes[500] ^= 1;
    Files.write(stored, bytes);

    Run r = run("download", code, "-o", work.resolve("c-copy.bin").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("verification failed").contains("SHA-256");
    assertThat(work.resolve("c-copy.bin")).doesNotExist();
    try (var files = Files.list(work)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void unknownCode_json_printsAnErrorDocument_andExitsWithOne() {
    Run r = run("info", "ABCDEF", "--json");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().get("error").asText()).isEqualTo("File not found with code: ABCDEF");
    assertThat(r.json().get("exit_code").asInt()).isEqualTo(1);
  }

  @Test
  void badConfiguration_exitsWithTwo_namingTheVariableAndValue() {
    env.put("RESOURCE_CPU_THRESHOLD", "lots");

    Run r = run("list");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("RESOURCE_CPU_THRESHOLD=lots is not valid");
  }

  @Test
  void badConfiguration_withJson_printsAnErrorDocumentListingTheProblems() {
    env.put("RESOURCE_CPU_THRESHOLD", "lots");

    Run r = run("list", "--json");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.json().get("exit_code").asInt()).isEqualTo(2);
    assertThat(r.json().get("problems").get(0).asText())
        .startsWith("RESOURCE_CPU_THRESHOLD=lots is not valid");
  }

  @Test
  void help_worksEvenWithABadConfiguration() {
    env.put("RESOURCE_CPU_THRESHOLD", "lots");

    Run r = run("upload", "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage:").contains("--json").contains("--user");
  }

  @Test
  void usageErrors_exitWithTwo() {
    assertThat(run("upload").exit()).isEqualTo(2);
    assertThat(run("list", "--bogus").exit()).isEqualTo(2);
    assertThat(run("frobnicate").exit()).isEqualTo(2);
    assertThat(run().exit()).isEqualTo(2);
    assertThat(run("list", "--user", "abc").exit()).isEqualTo(2);
  }

  @Test
  void status_json_reportsDatabaseAndStorageHealth() {
    JsonNode s = run("status", "--json").json();

    assertThat(s.get("database").get("up").asBoolean()).isTrue();
    assertThat(s.get("storage").get("name").asText()).isEqualTo("local");
    assertThat(s.get("storage").get("up").asBoolean()).isTrue();
  }

  @Test
  void emptyFile_roundTrips() throws IOException {
    String code = upload(file("empty.txt", 0));

    Run r = run("download", code, "-o", work.resolve("empty-copy.txt").toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(work.resolve("empty-copy.txt")).isEmptyFile();
  }

  @Test
  void unreachableDatabase_failsWithOneLineSayingWhatToCheck() {
    env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/nowhere?user=x&password=hunter2");

    Run r = run("list");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("cannot open the database").contains("check DATABASE_URL")
        .contains("password=***").doesNotContain("hunter2");
  }

  @Test
  void status_withTheDatabaseDown_stillReportsEverythingElse_andExitsWithOne() {
    env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/nowhere?user=x&password=hunter2");

    Run r = run("status", "--json");

    // exit 1 makes status usable as a container health check; the report is printed anyway
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("database is down");
    assertThat(r.json().get("healthy").asBoolean()).isFalse();
    JsonNode s = r.json();
    assertThat(s.get("database").get("up").asBoolean()).isFalse();
    assertThat(s.get("database").get("detail").asText()).contains("cannot open the database");
    assertThat(s.get("storage").get("up").asBoolean()).isTrue();
    assertThat(s.get("memory_usage").isNumber()).isTrue();
    assertThat(s.get("queue").isNull()).isTrue();
    assertThat(r.out() + r.err()).doesNotContain("hunter2");
  }
}
