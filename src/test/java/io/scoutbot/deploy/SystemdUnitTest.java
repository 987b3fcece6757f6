package io.scoutbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The systemd unit passes {@code systemd-analyze verify} (skipped with a message where the tool is
 * absent), and keeps the settings the deployment relies on.
 */
@Timeout(60)
class SystemdUnitTest {

  private static final Path UNIT = Path.of("deploy/systemd/scoutbot.service");

  @TempDir Path tmp;

  @Test
  void systemdAnalyzeVerify_passesWithoutAWarning() throws Exception {
    Path tool = Path.of("/usr/bin/systemd-analyze");
    Assumptions.assumeTrue(Files.isExecutable(tool),
        "systemd-analyze is not installed here (Debian package systemd); the unit is not verified");
    // verify checks that ExecStart's program exists: point it at this checkout's launcher
    String unit = Files.readString(UNIT).replace("/opt/scoutbot/scoutbot",
        Path.of("scoutbot").toAbsolutePath().toString());
    Path copy = Files.writeString(tmp.resolve("scoutbot.service"), unit);

    ProcessBuilder pb = new ProcessBuilder(tool.toString(), "verify", copy.toString())
        .redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(45, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).as("verify printed warnings").isBlank();
  }

  @Test
  void unit_limitsHardensAndRestarts_asTheDeploymentNeeds() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(UNIT));
    lines.removeIf(l -> l.isBlank() || l.startsWith("#"));

    assertThat(lines).contains("User=scoutbot", "Restart=on-failure",
        "RestartPreventExitStatus=2", "SuccessExitStatus=143", "NoNewPrivileges=yes", "PrivateTmp=yes",
        "ProtectSystem=strict", "ReadWritePaths=/var/lib/scoutbot",
        "Environment=DATA_DIR=/var/lib/scoutbot", "ExecStart=/opt/scoutbot/scoutbot serve");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("MemoryMax="))
        .anySatisfy(l -> assertThat(l).startsWith("CPUQuota="))
        .anySatisfy(l -> assertThat(l).startsWith("EnvironmentFile=/etc/scoutbot/"));
    // the JIT writes executable code: this one would stop the JVM
    assertThat(lines).noneSatisfy(l -> assertThat(l).startsWith("MemoryDenyWriteExecute=yes"));
  }
}
