package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's AOT cache, made for real from the fat jar: {@link AotTraining} runs its commands
 * to the end (a command renamed or broken would make it fail, and the launcher would then quietly
 * run without a cache), and a later {@code java -jar} takes the cache and the SQLite library the
 * training copied. Needs a JDK 25+ test JVM.
 */
@Timeout(300)
class AotCacheIT {

  @TempDir Path work;

  record Run(int exit, String out, String err) {}

  private Run java(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ScoutProcesses.java()));
    cmd.addAll(List.of(args));
    Path out = work.resolve("out.txt");
    Path err = work.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("DATA_DIR", work.resolve("data").toString());
    pb.environment().put("LOG_LEVEL", "warn");
    Process p = pb.start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 240 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void training_runsEveryCommandToTheEnd_andTheCacheServesALaterCommand() throws Exception {
    Assumptions.assumeTrue(Runtime.version().feature() >= 25,
        "the AOT cache needs JDK 25+; this test JVM is " + Runtime.version());
    Path cache = work.resolve("scoutbot.aot");
    String jar = ScoutProcesses.jar().toString();

    Path tmp = Files.createDirectories(work.resolve("tmp"));

    Path sqlite = work.resolve("sqlite-native");

    Run training = java("-Xmx256m", "-Djava.io.tmpdir=" + tmp, "-XX:AOTCacheOutput=" + cache,
        "-cp", jar, "io.scoutbot.app.AotTraining", sqlite.toString());

    assertThat(training.exit()).as(training.err()).isZero();
    assertThat(cache).isNotEmptyFile();
    assertThat(tmp).as("the training's data folder is gone")
        .isDirectoryNotContaining("glob:**/scoutbot-aot-training*");
    assertThat(sqlite).isDirectoryContaining("glob:**/libsqlitejdbc.*");

    // SQLite's temp directory is a file, so it cannot extract its library: the command works only
    // with the training's copy
    Path notADirectory = Files.writeString(work.resolve("not-a-directory"), "");
    Run list = java("-Xmx256m", "-XX:AOTCache=" + cache, "-Xlog:aot=info:stderr",
        "-Dorg.sqlite.lib.path=" + sqlite, "-Dorg.sqlite.tmpdir=" + notADirectory,
        "-jar", jar, "list", "--json");

    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains("\"total_files\" : 0");
    assertThat(list.err()).contains("Opened AOT cache").doesNotContain("Unable to map");
  }
}
