package io.scoutbot.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.fetch.JobSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EtaPlannerTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  /** 1000 bytes per second: sizes below read as milliseconds of work. */
  private static final Throughput RATE = new Throughput(1000);

  static Stream<Arguments> plans() {
    return Stream.of(
        // name, slots, running "size/progress", pending "size[@dueInSeconds]" -> finish seconds
        Arguments.of("one slot, queue in order", 1, "", "2000,3000", "2,5"),
        Arguments.of("two slots share the queue", 2, "", "2000,3000,1000", "2,3,3"),
        Arguments.of("running jobs finish their rest first", 1, "5000/4000", "2000", "1,3"),
        Arguments.of("a job waiting for its retry starts then", 2, "", "1000@10,1000", "11,1"),
        Arguments.of("unknown sizes get no estimate and take no time", 1, "", "-1,1000", "-,1"),
        Arguments.of("more running than slots", 1, "1000/0,2000/0", "1000", "1,2,2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void plan_estimatesFinishTimes(
      String name, int slots, String running, String pending, String expected) {
    List<Job> run = new ArrayList<>();
    List<Job> wait = new ArrayList<>();
    long id = 1;
    for (String r : split(running)) {
      String[] p = r.split("/");
      run.add(job(id++, JobState.RUNNING, Long.parseLong(p[0]), Long.parseLong(p[1]), 0));
    }
    for (String w : split(pending)) {
      String[] p = w.split("@");
      wait.add(job(id++, JobState.PENDING, Long.parseLong(p[0]), 0,
          p.length > 1 ? Long.parseLong(p[1]) : 0));
    }
    Map<Long, Instant> eta = EtaPlanner.plan(run, wait, slots, RATE, NOW);

    List<String> got = new ArrayList<>();
    for (long i = 1; i < id; i++) {
      Instant e = eta.get(i);
      got.add(e == null ? "-" : Long.toString((e.toEpochMilli() - NOW.toEpochMilli()) / 1000));
    }
    assertThat(String.join(",", got)).isEqualTo(expected);
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : List.of(s.split(","));
  }

  private static Job job(long id, JobState state, long size, long progress, long dueIn) {
    return new Job(id, 1, new JobSource.LocalFile(Path.of("/tmp/x"), "n", false), "x", size,
        "local", state, 0, 0, NOW.plusSeconds(dueIn), null, "ABC123", null, null, progress, 0, NOW,
        null, null, null, null, false, Route.STORE, false, false);
  }
}
