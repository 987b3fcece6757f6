package io.scoutbot.queue;

import static io.scoutbot.queue.QueueEndToEnd.count;
import static io.scoutbot.queue.QueueEndToEnd.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.testing.ScoutProcesses;
import io.scoutbot.transfer.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a {@code serve} process (SIGKILL) while it uploads, restarts it, and checks that every job
 * completes exactly once: all stored, each completion recorded once, no duplicate objects, no temp
 * file left. SQLite, the embedded default.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // up to six serves, each allowed a minute or more
class ServeCrashIT {

  static final int JOBS = 40;

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses ps = QueueEndToEnd.processes(() -> work);

  @Test
  void serveKilledWithJobsInFlight_restarts_andEveryJobCompletesExactlyOnce() throws Exception {
    String db = "jdbc:sqlite:" + work.resolve("data/scoutbot.db");
    List<Path> files = QueueEndToEnd.files(work, "crash", JOBS, 2 << 20);
    List<String> submit = new ArrayList<>(List.of("upload", "--no-wait"));
    files.forEach(f -> submit.add(f.toString()));
    QueueEndToEnd.run(ps, submit.toArray(String[]::new));
    assertThat(count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'pending'"))
        .isEqualTo(JOBS);

    List<Long> inFlight = new ArrayList<>();
    List<Long> killed = new ArrayList<>();
    for (int round = 1; inFlight.isEmpty() && round <= 5; round++) {
      Process serve = ps.start("serve-" + round, "serve");
      long pid = serve.pid();
      killed.add(pid);
      String running = "SELECT id FROM upload_job WHERE state = 'running' AND lease_owner LIKE"
          + " 'it-node/" + pid + "/%'";
      long doneBefore = count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(
          () -> !longs(db, running).isEmpty()
              && count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'")
                  >= doneBefore + 2);
      serve.destroyForcibly();
      assertThat(serve.waitFor(10, TimeUnit.SECONDS)).isTrue();
      inFlight.addAll(longs(db, running));
    }
    assertThat(inFlight).as("jobs a killed serve left running").isNotEmpty();
    assertThat(count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'"))
        .isLessThan(JOBS);

    Process restarted = ps.start("serve-restarted", "serve");
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(
        () -> count(db, "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'") == JOBS);
    restarted.destroy();
    assertThat(restarted.waitFor(20, TimeUnit.SECONDS)).isTrue();

    assertExactlyOnce(ps, db, files, killed);
    for (long id : inFlight) {
      assertThat(count(db, "SELECT attempts FROM upload_job WHERE id = " + id))
          .as("attempts of job %d, in flight when killed", id).isGreaterThanOrEqualTo(2);
    }
  }

  /**
   * Every job completed once, every file stored once with its bytes, no temp file left. A job's
   * completion is logged right after it is recorded, so a process killed in between recorded it
   * without the log line: only jobs completed by {@code killed} processes may lack one.
   */
  static void assertExactlyOnce(ScoutProcesses ps, String db, List<Path> files,
      List<Long> killed) throws Exception {
    List<Long> ids = longs(db, "SELECT id FROM upload_job WHERE state = 'completed'");
    assertThat(ids).hasSize(files.size());
    Map<Long, Integer> completions = QueueEndToEnd.completions(ps);
    assertThat(completions.values()).as("completions per job").allMatch(n -> n == 1);
    assertThat(ids).containsAll(completions.keySet());
    // a process killed right after recording a completion never logged it, nor deleted the job's
    // temp copy: that copy is an orphan the next sweep of a serve removes
    Set<Path> orphanCopies = new HashSet<>();
    for (long id : ids) {
      if (!completions.containsKey(id)) {
        String owner = leaseOwner(db, id);
        assertThat(killed).as("job %d has no completion line; it was completed by %s", id, owner)
            .anyMatch(pid -> owner.startsWith("it-node/" + pid + "/"));
        orphanCopies.add(Path.of(sourceRef(db, id)).toAbsolutePath().normalize());
      }
    }

    Map<String, String> expected = new HashMap<>();
    for (Path f : files) {
      expected.put(f.getFileName().toString(), sha256(f));
    }
    Map<String, String> stored = new HashMap<>();
    try (Connection c = DriverManager.getConnection(db);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT name, sha256, status FROM stored_file")) {
      while (rs.next()) {
        assertThat(rs.getString("status")).isEqualTo("completed");
        assertThat(stored.put(rs.getString("name"), rs.getString("sha256"))).isNull();
      }
    }
    assertThat(stored).isEqualTo(expected);

    try (Stream<Path> objects = Files.walk(ps.work().resolve("data/storage"))) {
      assertThat(objects.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith(".part-"))).hasSize(files.size());
    }
    try (Stream<Path> spool = Files.list(ps.work().resolve("data/tmp/queue"))) {
      assertThat(spool.map(p -> p.toAbsolutePath().normalize()))
          .as("temp files left in the spool, but for copies of jobs a killed process completed")
          .allMatch(orphanCopies::contains);
    }
  }

  private static String sourceRef(String db, long id) throws Exception {
    try (Connection c = DriverManager.getConnection(db);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT source_ref FROM upload_job WHERE id = " + id)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String leaseOwner(String db, long id) throws Exception {
    try (Connection c = DriverManager.getConnection(db);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT lease_owner FROM upload_job WHERE id = " + id)) {
      rs.next();
      return String.valueOf(rs.getString(1));
    }
  }

  static String sha256(Path p) throws Exception {
    MessageDigest d = Sha256.newDigest();
    d.update(Files.readAllBytes(p));
    return Sha256.hex(d);
  }
}
