package io.pygmy.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The store answered with an error: {@code {"error":{"code","message","requestId"}}} and an HTTP status.
 * Callers branch on {@link #code()} (for example {@code out_of_stock}, {@code unavailable}), never on
 * the message text.
 */
public final class StoreException extends RuntimeException {
  /** The code used when an error answer is not the store's JSON (a proxy's page, an empty body). */
  public static final String UNKNOWN_CODE = "unknown";

  private final int status;
  private final String code;
  private final String requestId;
  private final transient JsonNode body;

  public StoreException(int status, String code, String message, String requestId, JsonNode body) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The id the store logged this request under, to find it in the nodes' logs; null if unknown. */
  public String requestId() {
    return requestId;
  }

  /** The whole error answer, or null when it was not JSON. */
  public JsonNode body() {
    return body;
  }

  /** Whether retrying the same request (with the same idempotency key) may succeed. */
  public boolean retryable() {
    return status == 503;
  }
}
