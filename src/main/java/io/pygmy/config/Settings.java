package io.pygmy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pygmy.http.Json;

/**
 * Every timeout, retry count and limit in the store, with its default. Nothing else in the code base
 * hard-codes one of these: a bound that matters is named here, documented, and overridable from the
 * config file ({@code "settings": {...}}), from {@code PYGMY_<UPPER_SNAKE_NAME>} environment variables
 * or from {@code --set name=value} flags, in increasing order of precedence.
 */
public record Settings(
    // --- Liveness and the frontend cache ---
    /** How often a frontend heartbeats every backend replica (liveness, and who leads each group). */
    int heartbeatIntervalMillis,
    /**
     * How long a catalog replica keeps waiting for an unreachable frontend before it acknowledges a
     * write without that frontend's invalidation ack. The frontend stops serving from its cache
     * {@code cacheLeaseSafetyPercent} of the way through the same lease, so it always gives up first.
     */
    int cacheLeaseMillis,
    /** Share of the lease a frontend uses; the rest absorbs clock-rate drift between hosts. */
    int cacheLeaseSafetyPercent,
    /** Entries held by the frontend read cache (searches and lookups together). */
    int cacheMaxEntries,
    /** Whether the frontend caches reads at all. */
    boolean cacheEnabled,
    /** Whether the catalog pushes invalidations. Off only for measuring their cost; stale reads follow. */
    boolean invalidationEnabled,
    /** Timeout of one invalidation batch sent by a catalog replica to one frontend. */
    int invalidationTimeoutMillis,
    /** Keys one invalidation batch may carry; a longer backlog is sent as a flush of everything. */
    int invalidationMaxKeysPerBatch,

    // --- Calls between tiers ---
    /** Timeout of one read or heartbeat from the frontend to a backend replica (connect plus response). */
    int backendTimeoutMillis,
    /**
     * Timeout of one write call from the frontend to a backend replica. It must exceed what the replica
     * itself may spend (a buy is two commits), or slow buys would be duplicated onto other replicas.
     */
    int writeCallTimeoutMillis,
    /** Replicas a read is tried on before the frontend answers 503. */
    int readAttempts,
    /** Order replicas a buy is tried on (same idempotency key each time) before the frontend answers 503. */
    int buyAttempts,
    /** Pause between two attempts of a retried call, doubled each time. */
    int retryBackoffMillis,

    // --- Raft ---
    /** Upper bound on a replicated write, including leader changes and retries inside the Raft client. */
    int raftWriteTimeoutMillis,
    /** Upper bound on a linearizable read (ReadIndex round plus waiting for the replica to apply). */
    int raftReadTimeoutMillis,
    /** Election timeout range: a follower that hears no leader for this long starts an election. */
    int electionTimeoutMinMillis,
    int electionTimeoutMaxMillis,
    /**
     * How often a follower checks that its leader's Raft port still accepts connections; when it is
     * refused (the leader's process is gone) the follower starts an election at once instead of after the
     * election timeout. 0 turns the check off. A paused or unreachable leader is left to the timeout.
     */
    int leaderProbeIntervalMillis,
    /**
     * Log entries between two state-machine snapshots. A snapshot is cheap (the store's write-ahead log is
     * synced) and lets Ratis purge the log behind it, so this and {@link #snapshotEveryLogBytes} bound the
     * log on disk.
     */
    int snapshotEveryEntries,
    /** Bytes of applied commands after which a snapshot is taken even before {@code snapshotEveryEntries}. */
    long snapshotEveryLogBytes,
    /** Client requests a Raft leader queues before it pushes back. */
    int raftPendingRequestsLimit,
    /** Log entries a leader sends a follower in one append (a follower catching up gets its backlog in parts). */
    int raftAppendEntriesMax,
    /** Size of one Raft log segment file; the log is purged behind a snapshot a whole closed segment at a time. */
    int raftLogSegmentBytes,
    /** Longest a replica may take to download a peer's checkpoint before it gives up and tries another peer. */
    int checkpointTransferTimeoutMillis,

    // --- Business limits ---
    /** Largest quantity one order may ask for. */
    int maxQuantityPerOrder,
    /** Largest stock delta or resulting stock for one book. */
    long maxStock,
    /** Largest cost of one book. */
    long maxCost,
    /** Books the catalog may hold (they are on disk; a large catalog loads in parts of 1,000). */
    int maxBooks,
    /** Longest accepted idempotency key. */
    int maxKeyLength,
    /**
     * How long an idempotency key (of a buy or an admin update) is remembered, measured on the log clock
     * (the latest time stamped in an applied command), so every replica forgets the same keys: a retry
     * within it returns the first outcome, after it the key is new. Replicated: the same on every replica.
     */
    long keyRetentionMillis,
    /** How far ahead of the catalog leader's clock a command's timestamp may be (checked before logging). */
    long maxClockSkewMillis,
    /** Books a listing (topic, all, title search) returns when the request names no limit. */
    int defaultPageSize,
    /** Most books one listing page may return. */
    int maxPageSize,

    // --- Servers ---
    /** Largest accepted request body; larger ones get 413. */
    int maxRequestBytes,
    /** Buys one order replica coordinates at once; more wait, and beyond the queue get 503. */
    int maxConcurrentBuys,
    /**
     * Most buys an order replica reserves in one catalog entry and records in one order entry: the buys
     * that arrived while its earlier commits were in flight go together (group commit).
     */
    int buyBatchMax,
    /** Batches of buys an order replica commits at a time; later buys wait and join the next batch. */
    int buyBatchesInFlight,
    /**
     * How long an answered order waits for others before it is recorded: fewer order-log commits, which on
     * a small machine would otherwise take CPU from the next buy's reservation. Buyers never wait for it.
     */
    int recordLingerMillis,
    /** Orders returned at most by one page of orders (and by "recent orders"). */
    int maxRecentOrders,
    /** How often the order leader looks for reservations whose coordinator died before recording them. */
    int reconcileIntervalMillis,
    /** Reservations the reconciler reads per pass. */
    int reconcileBatchSize) {

  /**
   * Settings earlier releases had, ignored (with a warning) in a config file so that a data directory they
   * wrote still starts: {@code maxReservations} (orders are on disk, there is no such limit) and
   * {@code rememberedUpdateKeys} (update keys expire by time, as buy keys do: keyRetentionMillis).
   */
  public static final java.util.Set<String> RETIRED = java.util.Set.of("maxReservations", "rememberedUpdateKeys");

  public static Settings defaults() {
    return new Settings(
        1000, // heartbeatIntervalMillis
        1500, // cacheLeaseMillis
        80, // cacheLeaseSafetyPercent
        10_000, // cacheMaxEntries
        true, // cacheEnabled
        true, // invalidationEnabled
        250, // invalidationTimeoutMillis
        512, // invalidationMaxKeysPerBatch
        3000, // backendTimeoutMillis
        10_000, // writeCallTimeoutMillis
        3, // readAttempts
        3, // buyAttempts
        50, // retryBackoffMillis
        4000, // raftWriteTimeoutMillis
        2000, // raftReadTimeoutMillis
        500, // electionTimeoutMinMillis
        1000, // electionTimeoutMaxMillis
        100, // leaderProbeIntervalMillis
        10_000, // snapshotEveryEntries
        64L << 20, // snapshotEveryLogBytes
        4096, // raftPendingRequestsLimit
        1024, // raftAppendEntriesMax
        8 << 20, // raftLogSegmentBytes
        600_000, // checkpointTransferTimeoutMillis
        100, // maxQuantityPerOrder
        1_000_000_000L, // maxStock
        1_000_000_000L, // maxCost
        2_000_000, // maxBooks
        128, // maxKeyLength
        24L * 60 * 60 * 1000, // keyRetentionMillis: 24 h, as Stripe keeps idempotency keys
        60_000, // maxClockSkewMillis
        100, // defaultPageSize
        1000, // maxPageSize
        16 * 1024, // maxRequestBytes
        512, // maxConcurrentBuys
        64, // buyBatchMax
        2, // buyBatchesInFlight
        20, // recordLingerMillis
        100, // maxRecentOrders
        1000, // reconcileIntervalMillis
        1000); // reconcileBatchSize
  }

  /** A copy with one setting changed, by name: {@code settings.with("cacheEnabled", false)}. */
  public Settings with(String name, Object value) {
    ObjectNode node = Json.MAPPER.valueToTree(this);
    if (!node.has(name)) {
      throw new IllegalArgumentException("unknown setting '" + name + "'");
    }
    node.set(name, Json.MAPPER.valueToTree(value));
    try {
      return Json.MAPPER.treeToValue(node, Settings.class).validate();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad value for " + name + ": " + value, e);
    }
  }

  /** Fails loudly on a setting that cannot work, naming it. */
  public Settings validate() {
    positive("heartbeatIntervalMillis", heartbeatIntervalMillis);
    positive("cacheLeaseMillis", cacheLeaseMillis);
    range("cacheLeaseSafetyPercent", cacheLeaseSafetyPercent, 10, 95);
    positive("cacheMaxEntries", cacheMaxEntries);
    positive("invalidationTimeoutMillis", invalidationTimeoutMillis);
    positive("invalidationMaxKeysPerBatch", invalidationMaxKeysPerBatch);
    positive("backendTimeoutMillis", backendTimeoutMillis);
    range("readAttempts", readAttempts, 1, 16);
    range("buyAttempts", buyAttempts, 1, 16);
    range("retryBackoffMillis", retryBackoffMillis, 0, 10_000);
    positive("raftWriteTimeoutMillis", raftWriteTimeoutMillis);
    positive("raftReadTimeoutMillis", raftReadTimeoutMillis);
    if (writeCallTimeoutMillis <= 2L * raftWriteTimeoutMillis) {
      throw new IllegalArgumentException("writeCallTimeoutMillis must exceed twice raftWriteTimeoutMillis");
    }
    if (backendTimeoutMillis <= raftReadTimeoutMillis) {
      throw new IllegalArgumentException("backendTimeoutMillis must exceed raftReadTimeoutMillis");
    }
    positive("electionTimeoutMinMillis", electionTimeoutMinMillis);
    if (electionTimeoutMaxMillis <= electionTimeoutMinMillis) {
      throw new IllegalArgumentException("electionTimeoutMaxMillis must exceed electionTimeoutMinMillis");
    }
    range("leaderProbeIntervalMillis", leaderProbeIntervalMillis, 0, electionTimeoutMinMillis - 1);
    range("snapshotEveryEntries", snapshotEveryEntries, 100, 10_000_000);
    range("snapshotEveryLogBytes", snapshotEveryLogBytes, 1L << 20, 1L << 40);
    positive("raftPendingRequestsLimit", raftPendingRequestsLimit);
    range("raftAppendEntriesMax", raftAppendEntriesMax, 16, 1_000_000);
    range("raftLogSegmentBytes", raftLogSegmentBytes, 64 << 10, 1 << 30);
    range("checkpointTransferTimeoutMillis", checkpointTransferTimeoutMillis, 1000, 24 * 60 * 60 * 1000);
    range("maxQuantityPerOrder", maxQuantityPerOrder, 1, 1_000_000);
    if (maxStock <= 0 || maxCost <= 0) {
      throw new IllegalArgumentException("maxStock and maxCost must be positive");
    }
    range("maxBooks", maxBooks, 1, 100_000_000);
    range("maxKeyLength", maxKeyLength, 16, 1024);
    range("keyRetentionMillis", keyRetentionMillis, 1000, 366L * 24 * 60 * 60 * 1000);
    range("maxClockSkewMillis", maxClockSkewMillis, 0, 24L * 60 * 60 * 1000);
    range("maxPageSize", maxPageSize, 1, 1000);
    range("defaultPageSize", defaultPageSize, 1, maxPageSize);
    range("maxRequestBytes", maxRequestBytes, 256, 16 * 1024 * 1024);
    positive("maxConcurrentBuys", maxConcurrentBuys);
    range("buyBatchMax", buyBatchMax, 1, 256); // what one ReserveAll and one RecordAll entry may carry
    range("buyBatchesInFlight", buyBatchesInFlight, 1, 64);
    range("recordLingerMillis", recordLingerMillis, 0, 1000);
    range("maxRecentOrders", maxRecentOrders, 1, 10_000);
    positive("reconcileIntervalMillis", reconcileIntervalMillis);
    range("reconcileBatchSize", reconcileBatchSize, 1, 100_000);
    // A frontend renews its lease several times per lease, so one lost heartbeat does not void its cache.
    if (cacheRenewIntervalMillis() * 2 >= cacheLeaseMillis * cacheLeaseSafetyPercent / 100) {
      throw new IllegalArgumentException("cacheLeaseMillis is too short for its renewal interval");
    }
    return this;
  }

  /** Catalog heartbeats double as cache-lease renewals, so they run at least three times per lease. */
  public int cacheRenewIntervalMillis() {
    return Math.min(heartbeatIntervalMillis, cacheLeaseMillis / 3);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", was " + value);
    }
  }
}
