package io.pygmy.storage;

import java.nio.file.Path;

class MemoryStoreContractTest extends KeyValueStoreContract {
  @Override
  KeyValueStore open(Path dir) {
    return new MemoryStore();
  }
}
