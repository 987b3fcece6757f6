package io.scoutbot.storage.local;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StorageTargetContract;
import org.junit.jupiter.api.BeforeEach;

/** The storage contract, run against the local directory store. */
class LocalDirectoryStoreContractTest extends StorageTargetContract {

  private LocalDirectoryStore store;

  @BeforeEach
  void createStore() {
    store = new LocalDirectoryStore(dir.resolve("store"), new MemoryBudget(8 << 20, 4 << 20), 65536);
  }

  @Override
  protected StorageTarget target() {
    return store;
  }
}
