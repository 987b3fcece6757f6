package io.scoutbot.resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The fake {@code /proc} + {@code /sys/fs/cgroup} trees under src/test/resources/cgroup. */
final class Fixtures {

  private Fixtures() {}

  /** The fixture tree {@code name}, read in place. */
  static Path root(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/cgroup/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A writable copy of fixture tree {@code name} under {@code dir}, for tests that change files. */
  static Path copy(String name, Path dir) {
    Path from = root(name);
    Path to = dir.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }
}
