package io.scoutbot.storage.pentaract;

import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StorageTargetContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The storage contract against the Pentaract target with 64 KiB segments, so the contract's files
 * (up to 300 000 bytes) are stored as several segments plus a manifest.
 */
class SegmentedPentaractContractTest extends StorageTargetContract {

  private PentaractFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = PentaractFixture.start(dir.resolve("fake"), 64 << 10);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Override
  protected StorageTarget target() {
    return fixture.target();
  }
}
