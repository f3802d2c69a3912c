package io.pygmy.http;

/** Every failure the API names, with its HTTP status. Clients branch on {@code code}, never on message text. */
public enum ErrorCode {
  BAD_REQUEST(400, "bad_request"),
  UNAUTHORIZED(401, "unauthorized"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  OUT_OF_STOCK(409, "out_of_stock"),
  /** The key was used for a different request (422, as the IETF Idempotency-Key draft asks). */
  IDEMPOTENCY_KEY_REUSED(422, "idempotency_key_reused"),
  STOCK_CONFLICT(409, "stock_conflict"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  INTERNAL(500, "internal"),
  /** No quorum, no reachable replica, or a timeout: the outcome of a write may be unknown; retry with the same key. */
  UNAVAILABLE(503, "unavailable"),
  /** A configured capacity (concurrent buys, queued recordings) is used up. */
  CAPACITY_EXHAUSTED(503, "capacity_exhausted");

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return INTERNAL;
  }
}
