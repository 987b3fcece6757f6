package io.scoutbot.storage.pentaract;

import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StorageTargetContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storage contract against the Pentaract target with 64 KiB segments, so the contract's files
 * (up to 300 000 bytes) are stored as several segments plus a manifest.
 */
class SegmentedPentaractContractTest extends StorageTargetContract {

  @RegisterExtension final PentaractFixture fixture = PentaractFixture.segmented(64 << 10);

  @Override
  protected StorageTarget target() {
    return fixture.target();
  }
}
