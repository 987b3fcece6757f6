package io.scoutbot.resource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The probe contract against this machine and against container fixture trees. */
class SystemProbeContractTest {

  @TempDir static Path dataDir;

  @Nested
  class ThisMachine extends ResourceProbeContract {
    @Override
    protected ResourceProbe probe() {
      return ResourceProbe.system(dataDir);
    }
  }

  @Nested
  class CgroupV2Container extends ResourceProbeContract {
    @Override
    protected ResourceProbe probe() {
      return fixture("v2-limited");
    }
  }

  @Nested
  class CgroupV1Container extends ResourceProbeContract {
    @Override
    protected ResourceProbe probe() {
      return fixture("v1-limited");
    }
  }

  @Nested
  class NoCgroups extends ResourceProbeContract {
    @Override
    protected ResourceProbe probe() {
      return fixture("none");
    }
  }

  private static ResourceProbe fixture(String name) {
    return new SystemProbe(Fixtures.root(name), dataDir, System::nanoTime, () -> 2,
        ManagementFactory.getOperatingSystemMXBean(), ManagementFactory.getMemoryMXBean());
  }
}
