package io.pygmy.bench;

import io.pygmy.http.HttpConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** One request the load generator sends, and what came of it. */
record Request(Kind kind, int item, String topic) {
  enum Kind { SEARCH, LOOKUP, BUY }

  /** How a request ended: answered as hoped, a buy refused for lack of stock, or anything else. */
  enum Result { OK, OUT_OF_STOCK, ERROR }

  /** What one request did, on the bench's clock (System.nanoTime). */
  record Outcome(Kind kind, Result result, int status, long startNanos, long endNanos, String serverTiming) {
    long latencyNanos() {
      return endNanos - startNanos;
    }

    boolean ok() {
      return result == Result.OK;
    }
  }

  static Request search(String topic) {
    return new Request(Kind.SEARCH, 0, topic);
  }

  static Request lookup(int item) {
    return new Request(Kind.LOOKUP, item, null);
  }

  static Request buy(int item) {
    return new Request(Kind.BUY, item, null);
  }

  /**
   * Sends this request on {@code c}; never throws: a request that got no answer is an ERROR with status
   * -1. Uses the seed's read routes ({@code /search}, {@code /lookup}) and the JSON API for buys, each
   * with an idempotency key so a retried buy is one order.
   */
  Outcome send(HttpConnection c) {
    long start = System.nanoTime();
    try {
      HttpConnection.Response r = switch (kind) {
        case SEARCH -> c.get("/search?topic=" + topic);
        case LOOKUP -> c.get("/lookup?item=" + item);
        case BUY -> c.post("/api/orders", ("{\"item\":" + item + ",\"quantity\":1}").getBytes(StandardCharsets.UTF_8),
            "Idempotency-Key", "bench-" + UUID.randomUUID());
      };
      long end = System.nanoTime();
      return new Outcome(kind, classify(kind, r), r.status(), start, end, r.serverTiming());
    } catch (IOException | RuntimeException e) {
      return new Outcome(kind, Result.ERROR, -1, start, System.nanoTime(), null);
    }
  }

  static Result classify(Kind kind, HttpConnection.Response r) {
    if (kind == Kind.BUY) {
      if (r.status() == 201) {
        return Result.OK;
      }
      return r.status() == 409 && r.text().contains("\"out_of_stock\"") ? Result.OUT_OF_STOCK : Result.ERROR;
    }
    return r.status() == 200 ? Result.OK : Result.ERROR;
  }
}
