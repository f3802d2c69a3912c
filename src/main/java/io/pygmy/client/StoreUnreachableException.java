package io.pygmy.client;

/**
 * No answer at all: the frontend refused the connection, did not answer within the timeout, or the
 * connection broke. For a write the outcome is unknown; retry it with the same idempotency key.
 */
public final class StoreUnreachableException extends RuntimeException {
  private final boolean timedOut;

  public StoreUnreachableException(String message, Throwable cause, boolean timedOut) {
    super(message, cause);
    this.timedOut = timedOut;
  }

  /** True when the call was sent but no answer came within the timeout (the store may have acted on it). */
  public boolean timedOut() {
    return timedOut;
  }
}
