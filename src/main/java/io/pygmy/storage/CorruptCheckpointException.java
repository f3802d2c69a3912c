package io.pygmy.storage;

import java.io.IOException;

/**
 * A checkpoint stream that is not what its sender wrote: truncated, altered, with a bad name or too big.
 * An {@link IOException}, not a {@link StorageException}: the local store is fine and the download can
 * be tried again.
 */
public final class CorruptCheckpointException extends IOException {
  public CorruptCheckpointException(String message) {
    super(message);
  }

  public CorruptCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
