package io.scoutbot.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scoutbot.testing.ScoutProcesses;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployed checkout that its user cannot write (owned by root, or mounted read-only, as systemd's
 * ProtectSystem=strict does): the launcher runs the built jar without writing into it. Runs the
 * real launcher as {@code nobody} through {@code runuser}, so it needs root; CI runs as root.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadOnlyCheckoutIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path work;
  @RegisterExtension final ScoutProcesses scout = ScoutProcesses.in(() -> work).cpuNeverThrottles();
  private Path checkout;
  private Path data;

  @BeforeEach
  void readOnlyCheckout() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "skipped: running the launcher as another user needs root (CI runs as root)");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser"))
            || Files.isExecutable(Path.of("/sbin/runuser")),
        "skipped: runuser (util-linux) is not installed");

    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    checkout = work.resolve("checkout");
    Path project = Path.of("").toAbsolutePath();
    Files.createDirectories(checkout.resolve("target"));
    Files.copy(project.resolve("scoutbot"), checkout.resolve("scoutbot"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(project.resolve("pom.xml"), checkout.resolve("pom.xml"));
    copyTree(project.resolve("src/main"), checkout.resolve("src/main"));
    Path jar = Files.copy(ScoutProcesses.jar(), checkout.resolve("target/scoutbot.jar"));
    // sources older than the jar, as after `./scoutbot build`: nothing to rebuild
    FileTime older = FileTime.from(Instant.now().minusSeconds(3600));
    try (Stream<Path> all = Files.walk(checkout)) {
      for (Path p : all.toList()) {
        if (!p.equals(jar)) {
          Files.setLastModifiedTime(p, older);
        }
      }
    }
    try (Stream<Path> all = Files.walk(checkout)) {
      for (Path p : all.toList()) {
        boolean exec = Files.isDirectory(p) || p.getFileName().toString().equals("scoutbot");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "r-xr-xr-x"
            : "r--r--r--"));
      }
    }

    data = Files.createDirectories(work.resolve("data"));
    UserPrincipal nobody = work.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody");
    Files.setOwner(data, nobody);
  }

  @Test
  void helpAndStatus_runAsAnotherUser_fromACheckoutTheyCannotWrite_andWriteNothingThere()
      throws Exception {
    assertThat(asNobody("touch", "touch", checkout.resolve("target/x").toString()).exit())
        .as("the checkout is really read-only for nobody").isNotZero();

    ScoutProcesses.Result help = asNobody("help", launcher(), "--help");
    assertThat(help.exit()).as(help.err()).isZero();
    assertThat(help.out()).contains("Usage: scoutbot");

    ScoutProcesses.Result status = asNobody("status", launcher(), "status", "--json");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.json().get("healthy").asBoolean()).isTrue();

    try (Stream<Path> target = Files.list(checkout.resolve("target"))) {
      assertThat(target.map(p -> p.getFileName().toString())).containsExactly("scoutbot.jar");
    }
    assertThat(data.resolve("scoutbot.db")).exists();
  }

  private String launcher() {
    return checkout.resolve("scoutbot").toString();
  }

  /** Runs {@code command args…} as user nobody, the data directory theirs. */
  private ScoutProcesses.Result asNobody(String name, String command, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "nobody", "--", command));
    cmd.addAll(List.of(args));
    return scout.runCommand(name, cmd, Map.of(
        "JAVA_HOME", System.getProperty("java.home"),
        "DATA_DIR", data.toString(),
        "HOME", data.toString(),
        "LOG_LEVEL", "warn"), TIMEOUT);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()));
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
