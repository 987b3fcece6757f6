package io.scoutbot.queue;

import static io.scoutbot.queue.QueueEndToEnd.count;
import static io.scoutbot.queue.QueueEndToEnd.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scoutbot.testing.Postgres;
import io.scoutbot.testing.ScoutProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code serve} processes share one queue on PostgreSQL and 300 jobs of three users; one is
 * killed (SIGKILL) mid-run. Every job completes exactly once and none is lost. The processes run
 * on one host, so they share DATA_DIR (local store and temp space) and the node id.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES) // the waits below add up to about 11 minutes
class MultiServeIT {

  static final int USERS = 3;
  static final int PER_USER = 100;

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses ps = QueueEndToEnd.processes(() -> work);

  @Test
  void threeServesOnPostgres_eachJobCompletesExactlyOnce_evenWhenOneIsKilled() throws Exception {
    String db = Postgres.freshSchemaUrl();
    ps.env("DATABASE_URL", db);
    ps.env("QUEUE_MAX_RUNNING_PER_USER", "3");
    List<Path> files = new ArrayList<>();
    for (int u = 1; u <= USERS; u++) {
      List<Path> mine = QueueEndToEnd.files(work, "user" + u, PER_USER, 512 << 10);
      files.addAll(mine);
      List<String> submit = new ArrayList<>(
          List.of("upload", "--no-wait", "--user", Integer.toString(u)));
      mine.forEach(f -> submit.add(f.toString()));
      QueueEndToEnd.run(ps, submit.toArray(String[]::new));
    }
    String completed = "SELECT COUNT(*) FROM upload_job WHERE state = 'completed'";
    assertThat(count(db, "SELECT COUNT(*) FROM upload_job")).isEqualTo(USERS * PER_USER);

    Process a = ps.start("serve-a", "serve");
    Process victim = ps.start("serve-b", "serve");
    Process c = ps.start("serve-c", "serve");
    String victimRunning = "SELECT id FROM upload_job WHERE state = 'running' AND lease_owner"
        + " LIKE 'it-node/" + victim.pid() + "/%'";
    // the victim's jobs are read before the kill, as close to it as possible: afterwards a
    // survivor may already have taken them over (it finds the dead pid at its next
    // housekeeping), and then they no longer name the victim
    AtomicReference<List<Long>> seen = new AtomicReference<>(List.of());
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5)).until(() -> {
      if (count(db, completed) < 60) {
        return false;
      }
      seen.set(longs(db, victimRunning));
      return !seen.get().isEmpty();
    });
    victim.destroyForcibly();
    List<Long> inFlight = seen.get();
    assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
    // a job the victim finished between that read and the kill is not orphaned
    List<Long> orphaned = new ArrayList<>();
    for (long id : inFlight) {
      if (count(db, "SELECT COUNT(*) FROM upload_job WHERE id = " + id + " AND state ="
          + " 'completed' AND lease_owner LIKE 'it-node/" + victim.pid() + "/%'") == 0) {
        orphaned.add(id);
      }
    }
    assertThat(orphaned).as("jobs the killed serve had in flight").isNotEmpty();
    assertThat(count(db, completed)).isLessThan(USERS * PER_USER);

    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(
        () -> count(db, completed) == USERS * PER_USER);
    a.destroy();
    c.destroy();
    assertThat(a.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(c.waitFor(20, TimeUnit.SECONDS)).isTrue();

    ServeCrashIT.assertExactlyOnce(ps, db, files, List.of(victim.pid()));
    for (long id : orphaned) {
      assertThat(count(db, "SELECT attempts FROM upload_job WHERE id = " + id))
          .isGreaterThanOrEqualTo(2);
    }
    // the survivors shared the work
    for (Process p : List.of(a, c)) {
      assertThat(count(db, "SELECT COUNT(*) FROM upload_job WHERE lease_owner LIKE 'it-node/"
          + p.pid() + "/%'")).isPositive();
    }
  }
}
