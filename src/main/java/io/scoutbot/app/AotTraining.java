package io.scoutbot.app;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * The training run behind the launcher's AOT cache (JDK 25+, JEP 483/514): runs the one-shot commands
 * operators and scripts use most, in one JVM, against a throwaway data directory on the embedded
 * defaults, so that the JVM records the classes they load and link. The launcher runs it as {@code
 * java -XX:AOTCacheOutput=FILE -cp scoutbot.jar io.scoutbot.app.AotTraining}; the cache then serves
 * {@code java -XX:AOTCache=FILE -jar scoutbot.jar COMMAND}. Main thread only; deletes what it made.
 * Exits 1 (and the launcher runs without a cache) if a command fails, since a cache trained on a
 * failure would hold the wrong classes. Given a directory, it also copies SQLite's native library
 * there for the launcher to point later commands at ({@code -Dorg.sqlite.lib.path}).
 */
public final class AotTraining {

  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z0-9]+)\"");

  private AotTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("scoutbot-aot-training");
    List<String> failed = new ArrayList<>();
    try {
      failed.addAll(train(dir));
    } finally {
      deleteTree(dir);
    }
    if (!failed.isEmpty()) {
      System.err.println("AOT training: these commands failed: " + String.join("; ", failed));
      System.exit(1);
    }
    if (args.length > 0) {
      copySqliteLibrary(Path.of(args[0]));
    }
    System.exit(0);
  }

  /**
   * Copies the SQLite driver's native library for this platform (the one the training just loaded)
   * into {@code dir}. Without it, every command that opens the database extracts the 1 MB library
   * from the jar into java.io.tmpdir, compares the copy byte by byte and runs {@code uname} to pick
   * the platform: ~50 ms of {@code list}'s start (docs/BENCHMARKS.md).
   */
  private static void copySqliteLibrary(Path dir) throws IOException {
    String name = LibraryLoaderUtil.getNativeLibName();
    String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        System.err.println("AOT training: no " + resource + " in the jar; commands extract the"
            + " SQLite library as before");
        return;
      }
      Files.createDirectories(dir);
      Files.copy(in, dir.resolve(name), REPLACE_EXISTING);
    }
  }

  /** Runs the commands in {@code dir}; returns the ones that did not exit 0. */
  private static List<String> train(Path dir) throws IOException {
    // thresholds nothing reaches: a busy build machine must not hold the training's upload in the
    // throttle gate for minutes (the monitor, the gate and their classes still run)
    Map<String, String> env = Map.of(
        "DATA_DIR", dir.resolve("data").toString(),
        "LOG_LEVEL", "warn",
        "RESOURCE_CPU_THRESHOLD", "100",
        "RESOURCE_MEMORY_THRESHOLD", "100",
        "RESOURCE_DISK_THRESHOLD", "100");
    Path sample = Files.write(dir.resolve("training-sample.bin"), new byte[256 * 1024]);
    Path envFile = Files.writeString(dir.resolve("python.env"),
        "PENTARACT_ENABLED=false\nPENTARACT_API_URL=http://pentaract:8547/api\nLOG_LEVEL=critical\n"
            + "REDIS_URL=redis://redis:6379\n");
    List<String> failed = new ArrayList<>();
    Training t = new Training(env, dir, failed);
    t.run("--help");
    t.run("list", "--help");
    t.run("list", "--json");
    t.run("list");
    t.run("status", "--json");
    t.run("status");
    String uploaded = t.run("upload", sample.toString(), "--json");
    Matcher m = CODE.matcher(uploaded);
    if (m.find()) {
      String code = m.group(1);
      t.run("info", code, "--json");
      t.run("info", code);
      t.run("download", code, "-o", dir.resolve("copy.bin").toString(), "--json");
      t.run("delete", code, "--json");
    } else {
      failed.add("upload printed no code");
    }
    t.run("stats", "--json");
    t.run("queue", "--json");
    t.run("config", "check", envFile.toString());
    t.run("no-such-command");
    return failed;
  }

  /** Runs command lines through {@link Main#run}, collecting their output and failures. */
  private record Training(Map<String, String> env, Path dir, List<String> failed) {

    String run(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(args, env, dir, new PrintWriter(out, true), new PrintWriter(err, true));
      // the unknown command is trained on purpose: exit 2 is its right answer; a config check of
      // a Python .env may exit 2 too, for values that would stop startup
      boolean expected = code == 0 || (code == 2 && (args[0].equals("no-such-command")
          || args[0].equals("config")));
      if (!expected) {
        failed.add(String.join(" ", args) + " (exit " + code + ": " + err.toString().strip() + ")");
      }
      return out.toString();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("AOT training: could not remove " + dir + " (" + e.getMessage() + ")");
    }
  }
}
