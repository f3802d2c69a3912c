package io.pygmy.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.Json;
import java.io.IOException;

/** A backend's error answer, passed on to the client as the frontend's own. */
final class FrontendErrors {
  private FrontendErrors() {}

  /** A backend's JSON error as an exception carrying the same code, message and detail. */
  static ApiException passThrough(HttpConnection.Response r) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      body = null;
    }
    JsonNode error = body == null ? null : body.path("error");
    if (error == null || error.isMissingNode()) {
      return new ApiException(r.status() >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
          "backend answered " + r.status());
    }
    ErrorCode code = ErrorCode.fromCode(error.path("code").asText());
    JsonNode order = body.get("order");
    return new ApiException(code, error.path("message").asText(), order);
  }
}
