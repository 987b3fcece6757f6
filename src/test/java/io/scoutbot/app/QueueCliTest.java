package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's upload and queue commands, run in-process on the embedded defaults. */
class QueueCliTest {

  @TempDir Path work;
  // the governor is tested elsewhere; here it would only make the tests wait on a busy machine
  final Map<String, String> env =
      new HashMap<>(Map.of("LOG_LEVEL", "warn", "RESOURCE_MONITORING_ENABLED", "false"));

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  /** The CLI resolves files against the process's directory; tests name them absolutely. */
  String abs(String name) {
    return work.resolve(name).toString();
  }

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, env, work, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void upload_storesFilesAndPrintsCodes_asBefore() throws Exception {
    Files.writeString(work.resolve("a.txt"), "hello");

    Run r = run("upload", abs("a.txt"), "--json");

    assertThat(r.exit()).isZero();
    JsonNode f = r.json().get("files").get(0);
    assertThat(f.get("code").asText()).matches("[A-Z0-9]{6}");
    assertThat(f.get("name").asText()).isEqualTo("a.txt");
    assertThat(f.get("size").asLong()).isEqualTo(5);
    assertThat(f.get("sha256").asText())
        .isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(f.get("status").asText()).isEqualTo("completed");
    assertThat(f.get("remote_path").asText()).isEqualTo(f.get("code").asText() + "/a.txt");
    assertThat(r.json().get("failed").asInt()).isZero();
    assertThat(run("queue", "--json").json().get("jobs").get(0).get("state").asText())
        .isEqualTo("completed");
  }

  @Test
  void upload_badFiles_oneLineErrorEach_exit1_andNothingWrittenToCatalogOrQueue()
      throws Exception {
    Files.createDirectory(work.resolve("folder"));

    Run r = run("upload", abs("missing.txt"), abs("folder"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> l.startsWith("error: ")))
        .containsExactly("error: " + abs("missing.txt") + ": no such file",
            "error: " + abs("folder") + ": is a directory; give the files inside it instead");
    assertThat(r.out()).isEmpty();
    assertThat(run("queue", "--json").json().get("jobs")).isEmpty();
    assertThat(run("list", "--json").json().get("total_files").asInt()).isZero();
  }

  @Test
  void uploadNoWait_queuesACopy_printsJobIdAndCode_andTheOriginalMayGo() throws Exception {
    Path original = Files.writeString(work.resolve("b.txt"), "queued bytes");

    Run r = run("upload", "--no-wait", abs("b.txt"), "--json");

    assertThat(r.exit()).isZero();
    JsonNode f = r.json().get("files").get(0);
    assertThat(f.get("job_id").asLong()).isPositive();
    assertThat(f.get("code").asText()).matches("[A-Z0-9]{6}");
    assertThat(f.get("status").asText()).isEqualTo("pending");
    Files.delete(original);
    try (Stream<Path> spool = Files.list(work.resolve("data/tmp/queue"))) {
      assertThat(spool).singleElement().satisfies(p -> assertThat(p).hasContent("queued bytes"));
    }
    JsonNode job = run("queue", "--json").json().get("jobs").get(0);
    assertThat(job.get("state").asText()).isEqualTo("pending");
    assertThat(job.get("attempts").asInt()).isZero();
    assertThat(job.get("eta").isNull()).isFalse();
    assertThat(run("info", f.get("code").asText(), "--json").json().get("status").asText())
        .isEqualTo("pending");
  }

  @Test
  void queueCancel_cancelsAPendingJob_andRemovesItsCopy() throws Exception {
    Files.writeString(work.resolve("c.txt"), "x");
    long id = run("upload", "--no-wait", abs("c.txt"), "--json").json().get("files").get(0)
        .get("job_id").asLong();

    Run r = run("queue", "--cancel", Long.toString(id));

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Cancelled job " + id);
    try (Stream<Path> spool = Files.list(work.resolve("data/tmp/queue"))) {
      assertThat(spool).isEmpty();
    }
    assertThat(run("queue", "--json").json().get("jobs").get(0).get("state").asText())
        .isEqualTo("cancelled");
  }

  @Test
  void uploadNoWait_overTheJobLimit_isRefusedWithWhichLimit_andKeepsNoCopy() throws Exception {
    env.put("QUEUE_MAX_JOBS_PER_USER", "1");
    Files.writeString(work.resolve("d.txt"), "1");
    Files.writeString(work.resolve("e.txt"), "2");

    Run r = run("upload", "--no-wait", abs("d.txt"), abs("e.txt"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("error: queue limit reached: you have 1 unfinished uploads and"
        + " at most 1 are allowed (QUEUE_MAX_JOBS_PER_USER); this one would be 1 over");
    try (Stream<Path> spool = Files.list(work.resolve("data/tmp/queue"))) {
      assertThat(spool).hasSize(1);
    }
  }

  @Test
  void status_includesQueueCounts() throws Exception {
    Files.writeString(work.resolve("f.txt"), "1");
    run("upload", "--no-wait", abs("f.txt"));

    JsonNode queue = run("status", "--json").json().get("queue");

    assertThat(queue.get("pending").asInt()).isEqualTo(1);
    assertThat(queue.get("completed").asInt()).isZero();
  }
}
