package io.pygmy.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.io.IOException;

/** Parsing of request input. Anything malformed becomes a 400 naming what was wrong, never a 500. */
public final class Requests {
  private Requests() {}

  /** The JSON body as {@code type}; an empty, malformed or mistyped body is a 400. */
  public static <T> T body(Context ctx, Class<T> type) {
    byte[] raw = ctx.bodyAsBytes();
    if (raw.length == 0) {
      throw ApiException.badRequest("a JSON body is required");
    }
    try {
      T value = Json.MAPPER.readValue(raw, type);
      if (value == null) {
        throw ApiException.badRequest("a JSON object is required");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "'");
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("malformed JSON body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("unreadable body: " + e.getMessage());
    }
  }

  /** A required positive integer parameter, e.g. {@code item=3}; anything else is a 400. */
  public static int positiveInt(String raw, String name) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("'" + name + "' is required");
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v <= 0) {
        throw ApiException.badRequest("'" + name + "' must be a positive integer, was " + raw);
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("'" + name + "' must be a positive integer, was '" + abbreviate(raw) + "'");
    }
  }

  /** A required non-negative long parameter. */
  public static long nonNegativeLong(String raw, String name) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.badRequest("'" + name + "' is required");
    }
    try {
      long v = Long.parseLong(raw.trim());
      if (v < 0) {
        throw ApiException.badRequest("'" + name + "' must not be negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("'" + name + "' must be an integer, was '" + abbreviate(raw) + "'");
    }
  }

  public static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
