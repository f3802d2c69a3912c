package io.pygmy.catalog;

/**
 * The remembered outcome of a keyed catalog update, replayed when the same key arrives again within the
 * retention window counted from {@code stampMillis} (the log clock when it was applied).
 */
public record UpdateRecord(String key, int item, long stockDelta, Long cost, CatalogReply reply, long stampMillis) {}
