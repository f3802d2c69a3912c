package io.pygmy.http;

/** A failure with a name: it becomes {@code {"error":{"code":...,"message":...}}} with the code's status. */
public class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final transient Object detail;

  public ApiException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /** @param detail extra JSON placed beside the error, e.g. the rejected order of an out-of-stock buy */
  public ApiException(ErrorCode code, String message, Object detail) {
    super(message, null, false, false);
    this.code = code;
    this.detail = detail;
  }

  public ErrorCode code() {
    return code;
  }

  public Object detail() {
    return detail;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(ErrorCode.BAD_REQUEST, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(ErrorCode.NOT_FOUND, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(ErrorCode.UNAVAILABLE, message);
  }
}
