package io.scoutbot.storage.local;

import io.scoutbot.resource.MemoryBudget;
import io.scoutbot.storage.StorageTarget;
import io.scoutbot.storage.StorageTargetContract;
import org.junit.jupiter.api.BeforeEach;

/**
 * The storage contract against the local store with the smallest chunk the configuration allows
 * (RESOURCE_STREAMING_CHUNK_SIZE=4096), below {@link MemoryBudget#MIN_BUFFER}.
 */
class LocalDirectoryStoreSmallChunkContractTest extends StorageTargetContract {

  private LocalDirectoryStore store;

  @BeforeEach
  void createStore() {
    store = new LocalDirectoryStore(dir.resolve("store"), new MemoryBudget(8 << 20, 4 << 20), 4096);
  }

  @Override
  protected StorageTarget target() {
    return store;
  }
}
