package io.scoutbot.queue;

import io.scoutbot.catalog.FileCodes;
import io.scoutbot.catalog.JdbcFileCatalog;
import io.scoutbot.config.QueueConfig;
import io.scoutbot.db.Database;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.Gate;
import io.scoutbot.resource.GcPolicy;
import io.scoutbot.resource.WorkLimit;
import io.scoutbot.storage.Received;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StoredObject;
import io.scoutbot.storage.UploadRequest;
import io.scoutbot.transfer.Progress;
import io.scoutbot.transfer.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Benchmark (run by {@code bench/queue.sh}, not a test): queue operations per second, each job
 * being enqueue (with its catalog registration) + claim + complete through the real runner against
 * a no-op storage, on SQLite and on PostgreSQL. The yardstick, measured in the same run on the same
 * database, is the floor any durable queue pays: three single-row autocommitted statements per job
 * (insert, update, update) on a bare table. Rounds are interleaved; medians are printed as a
 * Markdown table.
 *
 * <p>Usage: {@code QueueOpsBench JOBS ROUNDS SQLITE_DIR [POSTGRES_SERVER_URL]}
 */
public final class QueueOpsBench {

  private QueueOpsBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Path dir = Path.of(args[2]);
    String pg = args.length > 3 ? args[3] : null;
    Files.createDirectories(dir);
    // per-job INFO lines would be measured too; only warnings matter here
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.WARN);
    System.out.println("| database | queue jobs/s (enqueue + claim + complete) | yardstick:"
        + " 3 bare commits/s per job | queue ÷ yardstick | rounds |");
    System.out.println("|---|---:|---:|---:|---:|");
    int[] n = {0};
    row("SQLite (WAL)", jobs, rounds,
        () -> "jdbc:sqlite:" + dir.resolve("bench-" + (n[0]++) + ".db"));
    if (pg != null) {
      try {
        row("PostgreSQL", jobs, rounds, () -> freshSchema(pg));
      } catch (Exception e) {
        System.out.println("| PostgreSQL | skipped: " + e.getMessage() + " | | | |");
      } finally {
        dropSchemas(pg);
      }
    }
  }

  private static void row(String name, int jobs, int rounds, Supplier<String> fresh)
      throws Exception {
    List<Double> queue = new ArrayList<>();
    List<Double> bare = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      // interleaved, so drift on a noisy machine hits both alike
      queue.add(queueRate(fresh.get(), jobs));
      bare.add(bareRate(fresh.get(), jobs));
    }
    double q = median(queue);
    double b = median(bare);
    System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %d × %d jobs |%n", name, q, b,
        q / b, rounds, jobs);
  }

  /** Jobs per second through the real queue, runner and catalog, storage doing nothing. */
  static double queueRate(String url, int jobs) throws Exception {
    try (Database db = Database.open(url)) {
      InstantSource clock = InstantSource.system();
      JdbcFileCatalog catalog = new JdbcFileCatalog(db, FileCodes.random(), clock);
      JdbcUploadQueue queue =
          new JdbcUploadQueue(db, CodeRegistrar.catalog(catalog), clock,
              new QueueConfig(jobs + 1, 1L << 50, jobs + 1, Duration.ofMinutes(1), 3,
                  Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ZERO));
      JobSpool spool = new JobSpool(Files.createTempDirectory("bench-spool"), clock);
      Path temp = Files.createTempDirectory("bench-jobs");
      JobRunner runner = new JobRunner(
          new JobRunner.Ports(queue, catalog, catalog, catalog, new NoopStorage(), spool,
              new io.scoutbot.cleanup.JobDirs(temp.resolve("jobs")),
              io.scoutbot.fetch.Fetchers.localOnly(), 1L << 30,
              io.scoutbot.safety.FilePolicy.allowAll()),
          new JobRunner.Governor(WorkLimit.fixed(1), GcPolicy.none()),
        JobRunner.Routing.storeOnly(),
          RetryPolicy.withAttempts(3), JobListener.NONE, new Throughput(1e7),
          JobRunner.Seams.system());
      WorkerId worker = WorkerId.current("bench");
      // a real file: the runner checks a local source before storing it
      Path file = Files.write(temp.resolve("file.bin"), new byte[1000]);
      long start = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        queue.enqueue(new NewJob(i % 10, new JobSource.LocalFile(file, "bench", false),
            "file-" + i + ".bin", 1000, "noop"));
      }
      ClaimRequest any = ClaimRequest.any(worker, "noop");
      int done = 0;
      for (var job = queue.claim(any); job.isPresent(); job = queue.claim(any)) {
        if (runner.run(job.get(), JobTracker.NONE) == JobRunner.Result.COMPLETED) {
          done++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (done != jobs || queue.list(JobQuery.unfinished(OptionalLong.empty(), 1)).size() != 0) {
        throw new IllegalStateException("only " + done + " of " + jobs + " jobs completed");
      }
      return jobs / seconds;
    }
  }

  /** Jobs per second when a job costs just three autocommitted single-row statements. */
  static double bareRate(String url, int jobs) throws Exception {
    try (Database db = Database.open(url);
        Connection c = db.dataSource().getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE bench_bare (id BIGINT PRIMARY KEY, state VARCHAR(16), t BIGINT)");
      }
      long start = System.nanoTime();
      try (PreparedStatement ins = c.prepareStatement(
              "INSERT INTO bench_bare (id, state, t) VALUES (?, 'pending', ?)");
          PreparedStatement upd = c.prepareStatement(
              "UPDATE bench_bare SET state = ?, t = ? WHERE id = ?")) {
        for (int i = 0; i < jobs; i++) {
          ins.setLong(1, i);
          ins.setLong(2, System.currentTimeMillis());
          ins.executeUpdate();
        }
        for (int i = 0; i < jobs; i++) {
          for (String state : new String[] {"running", "completed"}) {
            upd.setString(1, state);
            upd.setLong(2, System.currentTimeMillis());
            upd.setLong(3, i);
            upd.executeUpdate();
          }
        }
      }
      return jobs / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static final List<String> SCHEMAS = new ArrayList<>();

  private static String freshSchema(String server) {
    String schema = "bench_" + Long.toString(System.nanoTime(), 36);
    try (Connection c = java.sql.DriverManager.getConnection(server);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("no PostgreSQL at " + server + " (" + e.getMessage() + ")");
    }
    SCHEMAS.add(schema);
    return server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  private static void dropSchemas(String server) {
    try (Connection c = java.sql.DriverManager.getConnection(server);
        Statement s = c.createStatement()) {
      for (String schema : SCHEMAS) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    } catch (java.sql.SQLException e) {
      System.err.println("could not drop the benchmark schemas: " + e.getMessage());
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int m = s.size() / 2;
    return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
  }

  /** Stores nothing, at once: the queue's own overhead is all that is measured. */
  static final class NoopStorage implements StorageTarget {
    private static final String EMPTY = Sha256.empty();

    @Override
    public String name() {
      return "noop";
    }

    @Override
    public StoredObject upload(UploadRequest request) {
      return new StoredObject(request.key(), request.size(), EMPTY, 1);
    }

    @Override
    public Received download(String location, Path target, Progress progress) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String location) {}

    @Override
    public io.scoutbot.storage.Presence presence(String key, long size, Path source) {
      return new io.scoutbot.storage.Presence.Incomplete(key);
    }
  }
}
