package io.pygmy.catalog;

/** The remembered outcome of a keyed catalog update, replayed when the same key arrives again. */
public record UpdateRecord(String key, int item, long stockDelta, Long cost, CatalogReply reply) {}
