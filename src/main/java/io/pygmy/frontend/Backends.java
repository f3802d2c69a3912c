package io.pygmy.frontend;

import io.pygmy.config.NodeAddress;
import io.pygmy.config.Settings;
import io.pygmy.http.ApiException;
import io.pygmy.http.HttpConnection;
import io.pygmy.http.HttpTransport;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls from the frontend to a backend tier, with failover: each attempt goes to the next replica in
 * the pool's try-order (the leader first, then round-robin); a replica that fails at the transport
 * level is marked down; a 503 moves on to the next replica. Attempts and timeouts are bounded by
 * {@link Settings}. A retried call sends the same bytes, so a buy keeps its idempotency key across
 * replicas.
 */
final class Backends {
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private final HttpTransport transport;
  private final Settings settings;

  Backends(HttpTransport transport, Settings settings) {
    this.transport = transport;
    this.settings = settings;
  }

  HttpConnection.Response get(ReplicaPool pool, String pathAndQuery, String requestId) {
    return call(pool, pathAndQuery, null, settings.readAttempts(), settings.backendTimeoutMillis(),
        settings.raftReadTimeoutMillis(), requestId);
  }

  /** A write: the same body on each attempt, with the longer write timeout. */
  HttpConnection.Response post(ReplicaPool pool, String path, byte[] body, int attempts, String requestId) {
    return call(pool, path, body, attempts, settings.writeCallTimeoutMillis(), settings.raftWriteTimeoutMillis(),
        requestId);
  }

  /**
   * @param quorumWaitMillis how long a replica waits for its Raft group before answering 503: a 503 that
   *     took that long means the group has no quorum, which another replica of it cannot change, so it is
   *     answered at once instead of being waited out again on every replica (majority loss answers fast)
   */
  private HttpConnection.Response call(ReplicaPool pool, String path, byte[] body, int attempts, long timeoutMillis,
                                      long quorumWaitMillis, String requestId) {
    List<NodeAddress> order = pool.tryOrder();
    Duration timeout = Duration.ofMillis(timeoutMillis);
    HttpConnection.Response last503 = null;
    String lastError = null;
    for (int attempt = 0; attempt < attempts; attempt++) {
      NodeAddress target = order.get(attempt % order.size());
      if (attempt > 0) {
        backoff(attempt);
      }
      try {
        String url = target.httpUrl() + path;
        long startedAt = System.nanoTime();
        HttpConnection.Response r = body == null ? transport.get(url, timeout, requestId)
            : transport.post(url, body, timeout, requestId);
        if (r.status() != 503 || System.nanoTime() - startedAt >= quorumWaitMillis * 1_000_000L) {
          return r;
        }
        last503 = r;
        lastError = target.name() + " answered 503";
      } catch (HttpTransport.TransportException e) {
        pool.markDown(target.name());
        lastError = target.name() + ": " + e.getMessage();
        LOG.info("call to {} failed ({}), marked down", target.name(), e.getMessage());
      }
    }
    if (last503 != null) {
      return last503;
    }
    throw ApiException.unavailable("no replica answered after " + attempts + " attempts; last: " + lastError);
  }

  private void backoff(int attempt) {
    long millis = Math.min(1000, (long) settings.retryBackoffMillis() << Math.min(attempt - 1, 5));
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
