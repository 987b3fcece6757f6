package io.scoutbot.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real fat jar ({@code target/scoutbot.jar}, system property {@code scoutbot.jar} set by
 * failsafe) as a separate process, the way users and scripts do. Not thread-safe.
 */
public final class ScoutProcess {

  /** What a finished command left behind. */
  public record Result(int exit, String out, String err) {}

  private ScoutProcess() {}

  public static Path jar() {
    String p = System.getProperty("scoutbot.jar", "target/scoutbot.jar");
    Path jar = Path.of(p).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: end-to-end tests run after `package`");
    }
    return jar;
  }

  /** The java binary of the running test JVM (a JDK ≥ 21, since the tests compiled). */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** A process builder for {@code scoutbot <args>} in {@code workDir} with extra environment. */
  public static ProcessBuilder builder(Path workDir, Map<String, String> env, List<String> jvmArgs,
      String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RESOURCE_") || k.startsWith("PENTARACT_")
        || k.startsWith("QUEUE_") || k.equals("DATABASE_URL") || k.equals("DATA_DIR"));
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs a command to completion (at most {@code timeout}) and captures its output. */
  public static Result run(Path workDir, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process p =
        builder(workDir, env, List.of("-Xmx128m"), args)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("scoutbot " + String.join(" ", args) + " did not finish in "
          + timeout + "; stderr:\n" + Files.readString(err));
    }
    Result r =
        new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return r;
  }
}
