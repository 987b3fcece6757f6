package io.scoutbot.storage.pentaract;

import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StorageTargetContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The storage contract, run against the Pentaract target and the fake server, unsegmented. */
class PentaractTargetContractTest extends StorageTargetContract {

  @RegisterExtension final PentaractFixture fixture = PentaractFixture.unsegmented();

  @Override
  protected StorageTarget target() {
    return fixture.target();
  }
}
