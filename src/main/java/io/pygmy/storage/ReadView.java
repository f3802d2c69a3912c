package io.pygmy.storage;

/** A consistent, point-in-time view of a store: no batch committed after it was opened is visible. */
public interface ReadView extends KeyValues, AutoCloseable {
  @Override
  void close();
}
