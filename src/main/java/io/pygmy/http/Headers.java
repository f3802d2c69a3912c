package io.pygmy.http;

/** Headers of our own that cross tiers. */
public final class Headers {
  /** The Raft log index a catalog read reflects; the frontend cache refuses fills older than an invalidation. */
  public static final String VERSION = "X-Pygmy-Version";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private Headers() {}
}
