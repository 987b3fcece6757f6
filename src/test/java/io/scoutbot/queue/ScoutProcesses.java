package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real jar ({@code -Dscoutbot.jar}, set by failsafe) as separate processes for end-to-end
 * tests, with one environment and one working folder, each process logging to its own file, and
 * reads the shared database directly. Not thread-safe.
 */
final class ScoutProcesses implements AutoCloseable {

  private static final Pattern COMPLETED = Pattern.compile("Upload completed: job (\\d+) ");

  final Path work;
  final Map<String, String> env = new HashMap<>();
  private final List<Process> started = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  ScoutProcesses(Path work) {
    this.work = work;
    env.put("DATA_DIR", work.resolve("data").toString());
    env.put("NODE_ID", "it-node");
    env.put("LOG_LEVEL", "info");
    env.put("QUEUE_POLL_SECONDS", "1");
    env.put("QUEUE_LEASE_SECONDS", "15"); // the shortest allowed: dead workers are found by pid sooner
    env.put("QUEUE_MAX_JOBS_PER_USER", "1000");
  }

  static Path jar() {
    String jar = System.getProperty("scoutbot.jar");
    assertThat(jar).as("system property scoutbot.jar (set by failsafe)").isNotNull();
    return Path.of(jar);
  }

  /** Starts {@code java -jar scoutbot.jar args…}; its output goes to a log file. */
  Process start(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    Path log = work.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // settings from the developer's shell must not leak in (a DATABASE_URL would redirect the test)
    pb.environment().keySet().removeIf(k -> k.startsWith("RESOURCE_") || k.startsWith("PENTARACT_")
        || k.startsWith("QUEUE_") || k.equals("DATABASE_URL") || k.equals("DATA_DIR")
        || k.equals("TMPFILE_PATH") || k.equals("NODE_ID"));
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    logs.add(log);
    return p;
  }

  /** Runs a CLI command to its end and returns its stdout; fails the test on a non-zero exit. */
  String run(String name, String... args) throws Exception {
    Process p = start(name, args);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " finished").isTrue();
    String log = Files.readString(work.resolve(name + ".log"));
    assertThat(p.exitValue()).as(name + " exit code; output:\n" + log).isZero();
    return log;
  }

  /** Random files {@code prefix-i.bin} of {@code size} bytes in the working folder. */
  List<Path> files(String prefix, int count, int size) throws IOException {
    List<Path> out = new ArrayList<>();
    Random random = new Random(prefix.hashCode());
    byte[] data = new byte[size];
    for (int i = 0; i < count; i++) {
      random.nextBytes(data);
      out.add(Files.write(work.resolve(prefix + "-" + i + ".bin"), data));
    }
    return out;
  }

  /** How many times each job id was logged as completed, over every process's log. */
  Map<Long, Integer> completions() throws IOException {
    Map<Long, Integer> n = new HashMap<>();
    for (Path log : logs) {
      Matcher m = COMPLETED.matcher(Files.readString(log));
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

  /** Every process started is killed at the end, whatever the test did. */
  @Override
  public void close() {
    for (Process p : started) {
      p.destroyForcibly();
    }
    for (Process p : started) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
