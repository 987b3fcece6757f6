package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.fetch.JobSource;
import io.scoutbot.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSpoolTest {

  @TempDir Path dir;
  final ManualClock clock = new ManualClock(Instant.now());

  @Test
  void copyIn_copiesTheBytes_andLeavesTheOriginal() throws Exception {
    JobSpool spool = new JobSpool(dir.resolve("spool"), clock);
    Path original = Files.writeString(dir.resolve("a.txt"), "hello");

    Path copy = spool.copyIn(original);

    assertThat(copy).startsWith(spool.dir()).hasContent("hello");
    assertThat(original).hasContent("hello");
  }

  @Test
  void release_deletesOnlyAnOwnedCopy() throws Exception {
    JobSpool spool = new JobSpool(dir.resolve("spool"), clock);
    Path users = Files.writeString(dir.resolve("users.txt"), "x");
    Path copy = spool.copyIn(users);

    spool.release(job(new JobSource.LocalFile(users, "n", false)));
    spool.release(job(new JobSource.LocalFile(copy, "n", true)));

    assertThat(users).exists();
    assertThat(copy).doesNotExist();
  }

  @Test
  void sweep_removesOldCopiesNoLiveJobOwns_keepingLiveAndRecentOnes() throws Exception {
    JobSpool spool = new JobSpool(dir.resolve("spool"), clock);
    Path orphan = spool.copyIn(Files.writeString(dir.resolve("o"), "o"));
    Path live = spool.copyIn(Files.writeString(dir.resolve("l"), "l"));
    Path recent = spool.copyIn(Files.writeString(dir.resolve("r"), "r"));
    Path foreign = Files.writeString(spool.dir().resolve("not-ours.txt"), "keep");
    FileTime old = FileTime.from(clock.instant().minus(Duration.ofHours(1)));
    for (Path p : new Path[] {orphan, live, foreign}) {
      Files.setLastModifiedTime(p, old);
    }

    assertThat(spool.sweep(Set.of(live), Duration.ofMinutes(1))).isEqualTo(1);

    assertThat(orphan).doesNotExist();
    assertThat(live).exists();
    assertThat(recent).exists();
    assertThat(foreign).exists();
  }

  private static Job job(JobSource source) {
    Instant t = Instant.EPOCH;
    return new Job(1, 1, source, "x", 1, "local", JobState.COMPLETED, 1, 0, t, null, "ABC123",
        null, null, 0, 1, t, t, t, null, null, false, Route.STORE, false, false);
  }
}
