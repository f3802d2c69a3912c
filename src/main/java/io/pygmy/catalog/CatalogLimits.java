package io.pygmy.catalog;

import io.pygmy.config.Settings;

/** The bounds the inventory enforces; part of the replicated configuration, identical on every replica. */
public record CatalogLimits(int maxBooks, long maxStock, long maxCost, int maxQuantityPerOrder, int maxKeyLength,
                            int rememberedUpdateKeys, int maxReservations) {
  public static CatalogLimits from(Settings s) {
    return new CatalogLimits(s.maxBooks(), s.maxStock(), s.maxCost(), s.maxQuantityPerOrder(), s.maxKeyLength(),
        s.rememberedUpdateKeys(), s.maxReservations());
  }
}
