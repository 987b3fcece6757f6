package io.scoutbot.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./scoutbot} launcher's choice of Java, run as a process against fake {@code java},
 * {@code javac} and {@code mvnw} scripts. PATH holds only the tools the launcher needs (plus the
 * fakes a test puts there), and SCOUTBOT_JVM_DIR replaces /usr/lib/jvm, so the machine's own JDKs
 * never take part.
 */
@EnabledOnOs(OS.LINUX) // the launcher relies on GNU tools (readlink -f, sort -V)
@Timeout(120)
class LauncherTest {

  private static final String[] TOOLS = {
    "bash", "env", "dirname", "readlink", "sed", "head", "awk", "sort", "cut", "find", "mkdir",
    "flock", "mv", "rm"
  };

  @TempDir Path tmp;
  private Path project;
  private Path jvmDir;
  private Path tools;
  private Path versionLog;
  private Path trainingLog;

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void fakeProject() throws IOException {
    project = Files.createDirectories(tmp.resolve("project"));
    Files.copy(Path.of("scoutbot").toAbsolutePath(), project.resolve("scoutbot"));
    Files.createDirectories(project.resolve("src/main"));
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    // A build records the JDK it was given and produces the jar.
    script(project.resolve("mvnw"),
        "echo \"$JAVA_HOME\" > mvnw-java-home\n: > target/scoutbot.jar\n");
    jvmDir = Files.createDirectories(tmp.resolve("jvm"));
    versionLog = tmp.resolve("version-calls");
    trainingLog = tmp.resolve("training-calls");
    tools = Files.createDirectories(tmp.resolve("tools"));
    for (String tool : TOOLS) {
      Path real = Path.of("/usr/bin", tool);
      if (!Files.isExecutable(real)) {
        real = Path.of("/bin", tool);
      }
      Files.createSymbolicLink(tools.resolve(tool), real);
    }
  }

  /** Removed here so that deleting the temp dir does not warn about links leading out of it. */
  @AfterEach
  void removeToolLinks() throws IOException {
    for (String tool : TOOLS) {
      Files.deleteIfExists(tools.resolve(tool));
    }
  }

  @Test
  void printJava_choosesTheNewestJdkInTheJvmDirectoryByVersionNotByDirectoryName()
      throws IOException {
    jdk("zulu-21", "21.0.5", true, true);
    Path temurin = jdk("temurin-25", "25.0.1", true, true);
    jdk("jdk-17", "17.0.9", true, true);

    Run r = launch(null, List.of(), "--print-java");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo(temurin.resolve("bin/java").toString());
  }

  @Test
  void printJava_readsVersionsFromReleaseFilesWithoutStartingAnyJvm() throws IOException {
    jdk("zulu-21", "21.0.5", true, true);
    jdk("temurin-25", "25.0.1", true, true);

    launch(null, List.of(), "--print-java");

    assertThat(versionLog).doesNotExist();
  }

  @Test
  void printJava_asksJavaForItsVersionWhenAJdkHasNoReleaseFile() throws IOException {
    Path unnamed = jdk("a-jdk", "25.0.1", true, false);
    jdk("z-jdk", "21.0.5", true, true);

    Run r = launch(null, List.of(), "--print-java");

    assertThat(r.out().strip()).isEqualTo(unnamed.resolve("bin/java").toString());
    assertThat(Files.readAllLines(versionLog)).hasSize(1);
  }

  @Test
  void javaHome_isPreferredOverPathAndTheJvmDirectory() throws IOException {
    Path home = jdk("chosen-21", "21.0.2", true, true);
    Path pathJre = jdk("path-jre-25", "25.0.1", false, true);
    jdk("temurin-25", "25.0.1", true, true);

    Run r = launch(home, List.of(pathJre.resolve("bin")), "--print-java");

    assertThat(r.out().strip()).isEqualTo(home.resolve("bin/java").toString());
  }

  @Test
  void runtimeWithoutCompilerFirstOnPath_runsAnAlreadyBuiltJar() throws IOException {
    Path jre = outsideJvmDir("jre-21", "21.0.2", false);
    jdk("temurin-25", "25.0.1", true, true);
    builtJar();

    Run r = launch(null, List.of(jre.resolve("bin")), "serve");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("ran " + jre.resolve("bin/java"))
        .contains("-XX:MaxHeapFreeRatio=30")
        .endsWith("-jar " + project.resolve("target/scoutbot.jar") + " serve\n");
    assertThat(project.resolve("mvnw-java-home")).doesNotExist();
  }

  @Test
  void runtimeWithoutCompilerFirstOnPath_buildsWithTheFirstJdkThatHasJavacThenRuns()
      throws IOException {
    Path jre = outsideJvmDir("jre-21", "21.0.2", false);
    jdk("zulu-21", "21.0.5", true, true);
    Path temurin = jdk("temurin-25", "25.0.1", true, true);

    Run r = launch(null, List.of(jre.resolve("bin")), "serve");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(project.resolve("mvnw-java-home")).strip())
        .isEqualTo(temurin.toString());
    assertThat(r.out()).startsWith("ran " + jre.resolve("bin/java"));
  }

  @Test
  void onlyRuntimesWithoutCompiler_buildExits2NamingTheMissingCompiler() throws IOException {
    Path jre = outsideJvmDir("jre-21", "21.0.2", false);
    jdk("jre-25", "25.0.1", false, true);

    Run r = launch(null, List.of(jre.resolve("bin")), "build");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("with a compiler (javac)")
        .contains(jre.resolve("bin/java") + " (21.0.2, runtime only, no javac)");
    assertThat(project.resolve("mvnw-java-home")).doesNotExist();
  }

  @Test
  void noJava21_exits2ListingTheJavaItFound() throws IOException {
    Path old = jdk("jdk-17", "17.0.9", true, true);

    Run r = launch(null, List.of(), "list");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("needs Java 21 or newer")
        .contains(old.resolve("bin/java") + " (17.0.9, JDK)");
  }

  @Test
  void printJvmDefaults_printsTheFlagsTheLauncherAddsAndHonoursTheOverride() throws IOException {
    Run defaults = launch(null, List.of(), "--print-jvm-defaults");
    Run overridden =
        launch(null, List.of(), Map.of("SCOUTBOT_JVM_DEFAULTS", "-Xmx64m"), "--print-jvm-defaults");

    assertThat(defaults.exit()).isZero();
    assertThat(defaults.out().strip()).isEqualTo(
        "-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps"
            + " -XX:G1PeriodicGCInterval=300000");
    assertThat(overridden.out().strip()).isEqualTo("-Xmx64m");
  }

  @Test
  void build_withJava25_trainsAnAotCache_whichLaterCommandsUse() throws IOException {
    Path home = aotJdk("temurin-25", "25.0.1", true);

    Run build = launch(null, List.of(), "build");
    Run list = launch(null, List.of(), "list", "--json");

    assertThat(build.exit()).as(build.err()).isZero();
    Path cache = aotCache(home, "25.0.1");
    assertThat(cache).isNotEmptyFile();
    assertThat(Files.readString(trainingLog)).contains("-cp " + project.resolve("target/scoutbot.jar")
        + " io.scoutbot.app.AotTraining");
    assertThat(list.out()).contains("-XX:AOTCache=" + cache)
        .contains("-Xlog:disable -Xlog:all=warning:stderr")
        .contains("-Dorg.sqlite.lib.path=" + cache + ".native ")
        .endsWith("-jar " + project.resolve("target/scoutbot.jar") + " list --json\n");
    assertThat(Path.of(cache + ".native", "libsqlitejdbc.so")).isNotEmptyFile();
    assertThat(Files.readAllLines(trainingLog)).as("trained once").hasSize(1);
  }

  @Test
  void jarNewerThanTheAotCache_isTrainedAgainBeforeTheCommandRuns() throws IOException {
    Path home = aotJdk("temurin-25", "25.0.1", true);
    launch(null, List.of(), "build");
    Path cache = aotCache(home, "25.0.1");
    Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(60)));
    Files.setLastModifiedTime(Path.of(cache + ".log"), FileTime.from(Instant.now().minusSeconds(60)));

    Run r = launch(null, List.of(), "list");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("building the AOT cache");
    assertThat(Files.readAllLines(trainingLog)).hasSize(2);
    assertThat(r.out()).contains("-XX:AOTCache=" + cache);
  }

  @Test
  void failedTraining_runsTheCommandWithoutACache_andIsNotRetriedForTheSameJar()
      throws IOException {
    aotJdk("temurin-25", "25.0.1", false);
    builtJar();

    Run first = launch(null, List.of(), "list");
    Run second = launch(null, List.of(), "list");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.err()).contains("could not build the AOT cache");
    assertThat(first.out()).startsWith("ran ").doesNotContain("AOTCache");
    assertThat(second.out()).doesNotContain("AOTCache");
    assertThat(second.err()).doesNotContain("AOT cache");
    assertThat(Files.readAllLines(trainingLog)).as("trained once").hasSize(1);
  }

  @Test
  void java21_orAotOff_runWithoutACacheAndNeverTrain() throws IOException {
    Path java21 = aotJdk("temurin-21", "21.0.5", true);
    builtJar();

    Run old = launch(java21, List.of(), "list");
    aotJdk("temurin-25", "25.0.1", true);
    Run off = launch(null, List.of(), Map.of("SCOUTBOT_AOT", "off"), "list");

    assertThat(old.exit()).as(old.err()).isZero();
    assertThat(old.out()).startsWith("ran " + java21.resolve("bin/java")).doesNotContain("AOT");
    assertThat(off.out()).doesNotContain("AOT");
    assertThat(trainingLog).doesNotExist();
  }

  @Test
  void anotherRuntime_getsItsOwnCache_andNeverUsesTheOthers() throws IOException {
    Path older = aotJdk("temurin-25", "25.0.1", true);
    launch(null, List.of(), "build");
    Path newer = aotJdk("temurin-26", "26.0.1", true);

    Run r = launch(null, List.of(), "list");

    assertThat(r.out()).startsWith("ran " + newer.resolve("bin/java"))
        .contains("-XX:AOTCache=" + aotCache(newer, "26.0.1"))
        .doesNotContain(aotCache(older, "25.0.1").toString());
  }

  @Test
  void oneShotCommands_runWithC1OnlyAndFewerCompilations_transfersKeepTheDefaults_javaOptsWins()
      throws IOException {
    jdk("temurin-21", "21.0.5", true, true);
    builtJar();

    Run list = launch(null, List.of(), "list", "--json");
    Run help = launch(null, List.of(), "--help");
    Run serve = launch(null, List.of(), "serve");
    Run upload = launch(null, List.of(), "upload", "a.pdf");
    Run download = launch(null, List.of(), "download", "ABC123");
    Run overridden = launch(null, List.of(), Map.of("JAVA_OPTS", "-XX:TieredStopAtLevel=4"),
        "status");

    assertThat(list.out())
        .contains(" -XX:CompileThresholdScaling=10 -XX:TieredStopAtLevel=1 -jar ");
    assertThat(help.out())
        .contains(" -XX:CompileThresholdScaling=10 -XX:TieredStopAtLevel=1 -jar ");
    for (Run transfer : List.of(serve, upload, download)) {
      assertThat(transfer.out()).doesNotContain("TieredStopAtLevel")
          .doesNotContain("CompileThresholdScaling");
    }
    assertThat(overridden.out())
        .contains("-XX:TieredStopAtLevel=1 -XX:TieredStopAtLevel=4 -jar ");
  }

  /** A fake Java installation in the JVM directory, with a release file unless told otherwise. */
  private Path jdk(String name, String version, boolean javac, boolean release) throws IOException {
    Path home = jvmDir.resolve(name);
    fakeJava(home, version, javac);
    if (release) {
      Files.writeString(home.resolve("release"),
          "IMPLEMENTOR=\"Fake\"\nJAVA_VERSION=\"" + version + "\"\n"
              + "JAVA_VERSION_DATE=\"2025-01-01\"\n");
    }
    return home;
  }

  /** A fake Java installation elsewhere, e.g. to put on PATH; no release file. */
  private Path outsideJvmDir(String name, String version, boolean javac) throws IOException {
    Path home = tmp.resolve(name);
    fakeJava(home, version, javac);
    return home;
  }

  private void fakeJava(Path home, String version, boolean javac) throws IOException {
    Path bin = Files.createDirectories(home.resolve("bin"));
    // -version answers like a real JVM (on stderr) and is logged; anything else says it ran.
    script(bin.resolve("java"),
        "if [ \"$1\" = -version ]; then\n"
            + "  echo \"$0\" >> '" + versionLog + "'\n"
            + "  echo 'openjdk version \"" + version + "\" 2025-01-01' >&2\n"
            + "  exit 0\n"
            + "fi\n"
            + "echo \"ran $0 $*\"\n");
    if (javac) {
      script(bin.resolve("javac"), "exit 0\n");
    }
  }

  /**
   * A fake JDK whose java, asked to write an AOT cache (-XX:AOTCacheOutput=FILE), logs the call to
   * {@link #trainingLog} and writes FILE and, like AotTraining, a SQLite library into the directory
   * given last; or fails when {@code trains} is false.
   */
  private Path aotJdk(String name, String version, boolean trains) throws IOException {
    Path home = jdk(name, version, true, true);
    script(home.resolve("bin/java"),
        "for a in \"$@\"; do last=\"$a\"; done\n"
            + "for a in \"$@\"; do case \"$a\" in -XX:AOTCacheOutput=*)\n"
            + "  echo \"$*\" >> '" + trainingLog + "'\n"
            + (trains ? "  mkdir -p \"$last\"; echo lib > \"$last/libsqlitejdbc.so\"\n"
                + "  echo cache > \"${a#-XX:AOTCacheOutput=}\"; exit 0;;\n" : "  exit 1;;\n")
            + "esac; done\n"
            + "echo \"ran $0 $*\"\n");
    return home;
  }

  private Path aotCache(Path javaHome, String version) {
    return project.resolve("target/aot/" + javaHome.toString().replace('/', '_') + "-" + version
        + ".aot");
  }

  private void builtJar() throws IOException {
    Instant past = Instant.now().minusSeconds(3600);
    Files.setLastModifiedTime(project.resolve("src/main"), FileTime.from(past));
    Files.setLastModifiedTime(project.resolve("pom.xml"), FileTime.from(past));
    Files.createDirectories(project.resolve("target"));
    Files.writeString(project.resolve("target/scoutbot.jar"), "");
  }

  private static void script(Path path, String body) throws IOException {
    Files.writeString(path, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Run launch(Path javaHome, List<Path> pathFirst, String... args) throws IOException {
    return launch(javaHome, pathFirst, Map.of(), args);
  }

  private Run launch(
      Path javaHome, List<Path> pathFirst, Map<String, String> extraEnv, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(tools.resolve("bash").toString(),
        project.resolve("scoutbot").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    List<String> path = new ArrayList<>();
    pathFirst.forEach(p -> path.add(p.toString()));
    path.add(tools.toString());
    env.put("PATH", String.join(":", path));
    env.put("SCOUTBOT_JVM_DIR", jvmDir.toString());
    if (javaHome != null) {
      env.put("JAVA_HOME", javaHome.toString());
    }
    env.putAll(extraEnv);
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the launcher did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
