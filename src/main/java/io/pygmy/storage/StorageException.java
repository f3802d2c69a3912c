package io.pygmy.storage;

/**
 * The storage engine failed (I/O error, corruption, closed store). Never a property of the command being
 * applied: a replica that sees one cannot trust its state and must stop, unlike a command the core refuses.
 */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
