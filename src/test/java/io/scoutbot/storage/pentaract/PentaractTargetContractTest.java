package io.scoutbot.storage.pentaract;

import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StorageTargetContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The storage contract, run against the Pentaract target and the fake server, unsegmented. */
class PentaractTargetContractTest extends StorageTargetContract {

  private PentaractFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = PentaractFixture.start(dir.resolve("fake"), 0);
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
