package io.scoutbot.cleanup;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How full the file system holding temp space is. Implementations are thread-safe and cheap (one
 * statfs call); tests pass a lambda.
 */
@FunctionalInterface
public interface DiskGauge {

  /** Percent used as df's Use% counts it (root's reserve is not ours); NaN when unknown. */
  double usedPercent();

  /** The file system holding {@code dir} (or its nearest existing parent). */
  static DiskGauge of(Path dir) {
    return () -> {
      try {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
          p = p.getParent();
        }
        if (p == null) {
          return Double.NaN;
        }
        FileStore fs = Files.getFileStore(p);
        long used = fs.getTotalSpace() - fs.getUnallocatedSpace();
        long total = used + fs.getUsableSpace();
        return total <= 0 ? Double.NaN : used * 100.0 / total;
      } catch (IOException | RuntimeException e) {
        return Double.NaN;
      }
    };
  }
}
