package io.pygmy.catalog;

import io.pygmy.config.Settings;

/**
 * The bounds the inventory enforces; part of the replicated configuration, identical on every replica
 * (a replica with another {@code keyRetentionMillis} would forget other keys and diverge).
 *
 * @param keyRetentionMillis how long, in log-clock time, a buy's or an update's idempotency key is kept
 * @param maxClockSkewMillis how far ahead of the leader's clock a command's timestamp may be; checked
 *     before logging only, since a stamp far in the future would make every key expire at once
 */
public record CatalogLimits(int maxBooks, long maxStock, long maxCost, int maxQuantityPerOrder, int maxKeyLength,
                            long keyRetentionMillis, long maxClockSkewMillis) {
  public static CatalogLimits from(Settings s) {
    return new CatalogLimits(s.maxBooks(), s.maxStock(), s.maxCost(), s.maxQuantityPerOrder(), s.maxKeyLength(),
        s.keyRetentionMillis(), s.maxClockSkewMillis());
  }
}
