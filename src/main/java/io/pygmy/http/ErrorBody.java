package io.pygmy.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON shape of every error: {@code {"error":{"code","message","requestId"}, "order":...}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(Error error, Object order) {
  public record Error(String code, String message, String requestId) {}

  public static ErrorBody of(ErrorCode code, String message, String requestId, Object detail) {
    return new ErrorBody(new Error(code.code(), message, requestId), detail);
  }
}
