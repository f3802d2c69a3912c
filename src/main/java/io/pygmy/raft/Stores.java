package io.pygmy.raft;

import io.pygmy.config.Settings;
import io.pygmy.storage.RocksStore;

/** The store a replica keeps its state in: RocksDB, sized from the settings. */
public final class Stores {
  private Stores() {}

  public static StoreStateMachine.StoreFactory rocksDb(Settings settings) {
    return dir -> RocksStore.open(dir, RocksStore.Limits.defaults());
  }
}
