package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the queue's end-to-end tests share: the jar's processes with short queue timings, test
 * files, the completions the processes logged, and the shared database read directly. Stateless.
 */
final class QueueEndToEnd {

  private static final Pattern COMPLETED = Pattern.compile("Upload completed: job (\\d+) ");

  private QueueEndToEnd() {}

  /**
   * Processes of one node ({@code it-node}) in {@code work}, polling every second, with the
   * shortest lease allowed so that dead workers are found by pid sooner.
   */
  static ScoutProcesses processes(Supplier<Path> work) {
    return ScoutProcesses.in(work).jvm("-Xmx128m", "-XX:TieredStopAtLevel=1").cpuNeverThrottles()
        .env("NODE_ID", "it-node")
        .env("LOG_LEVEL", "info")
        .env("QUEUE_POLL_SECONDS", "1")
        .env("QUEUE_LEASE_SECONDS", "15")
        .env("QUEUE_MAX_JOBS_PER_USER", "1000");
  }

  /** Runs a CLI command to its end; fails the test unless it exits with 0. */
  static void run(ScoutProcesses ps, String... args) throws Exception {
    ScoutProcesses.Result r = ps.run(Duration.ofSeconds(120), args);
    assertThat(r.exit()).as(String.join(" ", args) + " exit code; output:\n" + r.err() + r.out())
        .isZero();
  }

  /** Random files {@code prefix-i.bin} of {@code size} bytes in {@code dir}. */
  static List<Path> files(Path dir, String prefix, int count, int size) throws IOException {
    List<Path> out = new ArrayList<>();
    Random random = new Random(prefix.hashCode());
    byte[] data = new byte[size];
    for (int i = 0; i < count; i++) {
      random.nextBytes(data);
      out.add(Files.write(dir.resolve(prefix + "-" + i + ".bin"), data));
    }
    return out;
  }

  /** How many times each job id was logged as completed, over every process's log. */
  static Map<Long, Integer> completions(ScoutProcesses ps) throws IOException {
    Map<Long, Integer> n = new HashMap<>();
    for (String name : ps.names()) {
      Matcher m = COMPLETED.matcher(ps.err(name));
      while (m.find()) {
        n.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
      }
    }
    return n;
  }

  /** The first column of every row of {@code sql}, as longs. */
  static List<Long> longs(String jdbcUrl, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<Long> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
      return out;
    }
  }

  static long count(String jdbcUrl, String sql) throws SQLException {
    return longs(jdbcUrl, sql).getFirst();
  }
}
