package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.testing.LocalWebServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scoutbot fetch} as a user and a script see it: codes, refusals and exit codes. */
class FetchCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private final Map<String, String> env = new HashMap<>();
  private LocalWebServer server;
  private Path video;

  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not one JSON document:\n" + out + "\n" + err, e);
      }
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    env.put("LOG_LEVEL", "warn");
    env.put("RESOURCE_MONITORING_ENABLED", "false");
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    video = Files.write(work.resolve("served.mp4"), data);
    server = LocalWebServer.start().file("/media/video.mp4", video, "video/mp4");
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, env, work, new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void fetch_json_storesTheFile_andPrintsCodeNameSizeAndSha256_whichDownloadsTheSameBytes()
      throws Exception {
    env.put("DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true");
    String url = server.url("/media/video.mp4").toString();

    Run r = run("fetch", url, "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode f = r.json().get("files").get(0);
    assertThat(f.get("name").asText()).isEqualTo("video.mp4");
    assertThat(f.get("size").asLong()).isEqualTo(Files.size(video));
    assertThat(f.get("sha256").asText()).isEqualTo(sha256(video));
    assertThat(f.get("url").asText()).isEqualTo(url);
    assertThat(f.get("status").asText()).isEqualTo("completed");
    assertThat(r.json().get("failed").asInt()).isZero();

    Path back = work.resolve("back.mp4");
    Run d = run("download", f.get("code").asText(), "-o", back.toString(), "--json");
    assertThat(d.exit()).as(d.err()).isZero();
    assertThat(Files.mismatch(back, video)).isEqualTo(-1);
  }

  @Test
  void fetch_text_printsTheCodeLine_andTheNextStep() {
    env.put("DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true");

    Run r = run("fetch", server.url("/media/video.mp4").toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("(?m)^[A-Za-z0-9]{6}  video\\.mp4  3\\.0MiB  completed$")
        .contains("Use: scoutbot download CODE -o PATH");
  }

  @Test
  void fetch_ofTheCloudMetadataAddress_isRefusedByDefault_sayingWhyAndHowToAllowIt_beforeAnyJob() {
    Run r = run("fetch", "http://169.254.169.254/latest/meta-data/", "--json");

    assertThat(r.exit()).isEqualTo(1);
    JsonNode f = r.json().get("files").get(0);
    assertThat(f.get("status").asText()).isEqualTo("failed");
    assertThat(f.get("error").asText())
        .contains("169.254.169.254 is a link-local address")
        .contains("DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true");
    assertThat(f.has("job_id")).as("refused at submission: no job, no code").isFalse();
    assertThat(r.err()).contains("error: ").contains("link-local");
    assertThat(run("queue", "--all", "--json").json().get("jobs")).isEmpty();
  }

  @Test
  void fetch_ofALoopbackServer_isRefusedByDefault_andNothingIsRequested() {
    Run r = run("fetch", server.url("/media/video.mp4").toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("loopback").contains("DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true");
    assertThat(server.requests()).isEmpty();
    Run list = run("list", "--json");
    assertThat(list.json().get("files")).isEmpty();
  }

  @Test
  void fetch_ofAMissingFile_failsWithTheServersAnswer_andIsNotRetried() {
    env.put("DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true");

    Run r = run("fetch", server.url("/nothing-here.mp4").toString(), "--json");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.json().get("files").get(0).get("error").asText())
        .contains("HTTP 404").contains("not retried");
    assertThat(server.requests("/nothing-here.mp4")).hasSize(1);
  }

  @Test
  void fetch_withAnotherScheme_orNoScheme_isBadUsage_andRecordsNothing() {
    Run ftp = run("fetch", "ftp://example.org/file.iso");
    Run bare = run("fetch", "example.org/file.iso");
    String password = java.util.UUID.randomUUID().toString();
    Run secret = run("fetch", "file://user:" + password + "@/etc/passwd");

    assertThat(ftp.exit()).isEqualTo(2);
    assertThat(ftp.err()).contains("only http:// and https:// URLs can be fetched, not ftp:");
    assertThat(bare.exit()).isEqualTo(2);
    assertThat(bare.err()).contains("has no scheme").contains("https://example.org/file.iso");
    assertThat(secret.exit()).isEqualTo(2);
    assertThat(secret.err()).doesNotContain(password);
    assertThat(run("queue", "--json").json().get("jobs")).isEmpty();
  }

  @Test
  void fetch_noWait_queuesADurableJob_thatQueueShows() {
    env.put("DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true");

    Run r = run("fetch", server.url("/media/video.mp4").toString(), "--no-wait", "--json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode f = r.json().get("files").get(0);
    assertThat(f.get("status").asText()).isEqualTo("pending");
    long job = f.get("job_id").asLong();
    JsonNode jobs = run("queue", "--json").json().get("jobs");
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).get("id").asLong()).isEqualTo(job);
    assertThat(jobs.get(0).get("code").asText()).isEqualTo(f.get("code").asText());
    assertThat(server.requests()).as("only serve fetches a queued URL").isEmpty();
  }

  @Test
  void fetch_help_namesTheCommand_andTheSettingThatAllowsPrivateNetworks() {
    Run r = run("fetch", "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: scoutbot fetch").contains("--no-wait")
        .contains("DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true");
    assertThat(run("--help").out()).contains("fetch");
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
