package io.pygmy.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes for replica digests. A core keeps running sums of per-record hashes next to its data, so a digest
 * of millions of records costs nothing to compute and replicas that applied the same log agree on it.
 * FNV-1a over a record's canonical text: stable across JVMs, unlike {@code hashCode} or {@code toString}.
 */
public final class StateHash {
  public static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private StateHash() {}

  /** Continues an FNV-1a hash over {@code text}. */
  public static long mix(long hash, String text) {
    long h = hash;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= FNV_PRIME;
    }
    return h;
  }

  /** The hash of one record's canonical text. */
  public static long of(String text) {
    return mix(FNV_OFFSET, text);
  }

  /** The first 128 bits of SHA-256 over {@code text}, in hex: what replicas publish and compare. */
  public static String digest(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
