package io.scoutbot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.config.ConfigLoader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one launcher of the process-level tests: runs the real fat jar ({@code scoutbot.jar}, the
 * system property failsafe sets) as separate processes, the way users and scripts run it. Not
 * thread-safe: one test thread sets it up and starts processes.
 *
 * <p>Environment: every setting the service reads is cleared from the inherited environment first,
 * so a developer's shell or a CI job cannot redirect a test (a {@code DATABASE_URL} would send it to
 * another database): the names {@link ConfigLoader} reads, taken from the loader itself so that a
 * setting added later is cleared too, every name under the service's prefixes, and the variables
 * the JVM or the launcher read for options. Then the fixture's settings ({@link #env}) apply, then
 * those given for one process. Each process runs in the work folder, where no {@code .env} is, so
 * its data lands in {@code <work>/data} (the default {@code DATA_DIR}); its stdout goes to
 * {@code <work>/<name>.out} and its stderr, where the logs are, to {@code <work>/<name>.err}.
 *
 * <p>A JUnit 5 extension, registered on a field after the test's {@code @TempDir}:
 *
 * <pre>{@code
 * @TempDir Path work;
 * @RegisterExtension final ScoutProcesses scout = ScoutProcesses.in(() -> work).jvm("-Xmx128m");
 * }</pre>
 *
 * After each test every process it started is killed (with its descendants, forcibly) and waited
 * for, whatever the test did.
 */
public final class ScoutProcesses implements AfterEachCallback, AutoCloseable {

  /** Whole families of the service's settings, for names added after this was written. */
  static final List<String> SETTING_PREFIXES = List.of("RESOURCE_", "PENTARACT_", "QUEUE_",
      "TELEGRAM_", "DOWNLOAD_", "HTTP_", "LOG_", "BOT_", "SCOUTBOT_");
  /** Read by the JVM or the launcher: options that would change the process under test. */
  static final Set<String> JVM_VARIABLES = Set.of("JAVA_OPTS", "JAVA_TOOL_OPTIONS",
      "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "SCOUTBOT_JVM_DEFAULTS");
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a finished command left behind. */
  public record Result(int exit, String out, String err, Duration elapsed) {
    /** Stdout as the one JSON document a {@code --json} command prints. */
    public JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  private final Supplier<Path> work;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> jvm = new ArrayList<>();
  private final Map<String, Process> started = new LinkedHashMap<>();
  private int runs;

  private ScoutProcesses(Supplier<Path> work) {
    this.work = work;
    // several serves run at once in these tests: none may take the default port 8080; a test
    // about the HTTP server gives its own address
    env.put("HTTP_ADDR", "off");
  }

  /**
   * Processes that run in {@code work}; a supplier, so a field can name the test's {@code @TempDir}
   * before JUnit has injected it.
   */
  public static ScoutProcesses in(Supplier<Path> work) {
    return new ScoutProcesses(work);
  }

  /** Sets {@code name=value} for every process started from now on. */
  public ScoutProcesses env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** JVM options for every process started from now on (none by default). */
  public ScoutProcesses jvm(String... options) {
    jvm.addAll(List.of(options));
    return this;
  }

  /**
   * For tests that are not about the governor: the host's CPU cannot throttle these processes
   * (a CPU above 100 % cannot happen), so a test machine busy with other builds does not make them
   * wait up to RESOURCE_THROTTLE_MAX_WAIT_SECONDS at the gate. Memory and disk pressure still
   * apply; the governor's own behaviour is ResourceGovernorIT's and the resource package's tests.
   */
  public ScoutProcesses cpuNeverThrottles() {
    return env("RESOURCE_CPU_THRESHOLD", "100");
  }

  /** The folder every process runs in. */
  public Path work() {
    return work.get();
  }

  /** Starts {@code scoutbot args…} as {@code name}; the caller waits for it or leaves it to us. */
  public Process start(String name, String... args) throws IOException {
    return start(name, Map.of(), args);
  }

  /** Like {@link #start(String, String...)}, with settings for this process alone. */
  public Process start(String name, Map<String, String> extraEnv, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("-jar", jar().toString()));
    cmd.addAll(List.of(args));
    return launch(name, extraEnv, cmd);
  }

  /**
   * Starts {@code mainClass} with the jar and then {@code classpath} on the class path, as
   * {@code name}: a probe that measures the service's code in a JVM of its own.
   */
  public Process startClass(String name, List<Path> classpath, String mainClass, String... args)
      throws IOException {
    StringBuilder cp = new StringBuilder(jar().toString());
    classpath.forEach(p -> cp.append(File.pathSeparator).append(p));
    List<String> cmd = new ArrayList<>(List.of("-cp", cp.toString(), mainClass));
    cmd.addAll(List.of(args));
    return launch(name, Map.of(), cmd);
  }

  private Process launch(String name, Map<String, String> extraEnv, List<String> command)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvm);
    cmd.addAll(command);
    return spawn(name, extraEnv, cmd);
  }

  private Process spawn(String name, Map<String, String> extraEnv, List<String> cmd)
      throws IOException {
    if (started.containsKey(name)) {
      throw new IllegalArgumentException("a process named " + name + " was started already");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work().toFile())
        .redirectOutput(outFile(name).toFile())
        .redirectError(errFile(name).toFile());
    pb.environment().keySet().removeIf(ScoutProcesses::isCleared);
    pb.environment().putAll(env);
    pb.environment().putAll(extraEnv);
    Process p = pb.start();
    started.put(name, p);
    return p;
  }

  /** Runs {@code scoutbot args…} to its end, at most {@code timeout}, and captures its output. */
  public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    return run(Map.of(), timeout, args);
  }

  /** Like {@link #run(Duration, String...)}, with settings for this process alone. */
  public Result run(Map<String, String> extraEnv, Duration timeout, String... args)
      throws IOException, InterruptedException {
    String name = (args.length == 0 ? "scoutbot" : args[0]) + "-" + (++runs);
    long began = System.nanoTime();
    return finish(name, start(name, extraEnv, args), began, timeout,
        "scoutbot " + String.join(" ", args));
  }

  /**
   * Runs {@code command} itself (not the jar: the launcher script, say, or it under
   * {@code runuser}) to its end with the same cleared environment, at most {@code timeout}.
   */
  public Result runCommand(String name, List<String> command, Map<String, String> extraEnv,
      Duration timeout) throws IOException, InterruptedException {
    long began = System.nanoTime();
    return finish(name, spawn(name, extraEnv, command), began, timeout,
        String.join(" ", command));
  }

  private Result finish(String name, Process p, long began, Duration timeout, String what)
      throws IOException, InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(p);
      throw new AssertionError(what + " did not finish in " + timeout + "; stderr:\n"
          + err(name));
    }
    return new Result(p.exitValue(), out(name), err(name),
        Duration.ofNanos(System.nanoTime() - began));
  }

  /** What process {@code name} printed on stdout so far. */
  public String out(String name) throws IOException {
    return read(outFile(name));
  }

  /** What process {@code name} printed on stderr (its logs) so far. */
  public String err(String name) throws IOException {
    return read(errFile(name));
  }

  /**
   * Waits until process {@code name} has logged {@code text}; fails with its whole log otherwise.
   */
  public void awaitErr(String name, String text, Duration timeout)
      throws IOException, InterruptedException {
    Path log = errFile(name);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (read(log).contains(text)) {
        return;
      }
      Process p = started.get(name);
      if (p != null && !p.isAlive() && !read(log).contains(text)) {
        throw new AssertionError(name + " exited (" + p.exitValue() + ") before logging '" + text
            + "':\n" + read(log));
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("'" + text + "' not logged by " + name + " within " + timeout
        + ":\n" + read(log));
  }

  public Path outFile(String name) {
    return work().resolve(name + ".out");
  }

  public Path errFile(String name) {
    return work().resolve(name + ".err");
  }

  /** The names of the processes started, in order. */
  public List<String> names() {
    return List.copyOf(started.keySet());
  }

  /** The jar under test; failsafe runs after {@code package}, which builds it. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("scoutbot.jar", "target/scoutbot.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: end-to-end tests run after `package`");
    }
    return jar;
  }

  /** The java binary of the running test JVM (a JDK 21 or newer, since the tests compiled). */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The names of {@code inherited} that a started process does not get. */
  static Set<String> cleared(Map<String, String> inherited) {
    Set<String> out = new TreeSet<>();
    for (String name : inherited.keySet()) {
      if (isCleared(name)) {
        out.add(name);
      }
    }
    return out;
  }

  private static boolean isCleared(String name) {
    return Settings.NAMES.contains(name) || JVM_VARIABLES.contains(name)
        || SETTING_PREFIXES.stream().anyMatch(name::startsWith);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Kills every process started (and its descendants) and waits for each to be gone. */
  @Override
  public void close() {
    for (Process p : started.values()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : started.values()) {
      kill(p);
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      if (!p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("process " + p.pid() + " still runs " + KILL_WAIT
            + " after it was killed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  /** The names the configuration loader reads, asked of the loader once. */
  private static final class Settings {
    static final Set<String> NAMES =
        Set.copyOf(ConfigLoader.fromMap(Map.of(), Path.of("")).effective().keySet());
  }
}
