package io.pygmy.order;

/**
 * The order log's counters, stored under one key and rewritten once per applied entry.
 *
 * @param watermark every catalog reservation up to this sequence number has its order here
 * @param hash sum of per-order hashes: the same set of orders gives the same hash in any recording order
 * @param clockMillis the log clock: the latest reservation time recorded; a key's retention is measured
 *     on it, never on a replica's own clock
 */
public record OrderMeta(long count, long confirmed, long rejected, long watermark, long hash, long clockMillis) {
  static final OrderMeta EMPTY = new OrderMeta(0, 0, 0, 0, 0, 0);
}
