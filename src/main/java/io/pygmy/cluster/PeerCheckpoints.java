package io.pygmy.cluster;

import io.javalin.http.Context;
import io.pygmy.config.NodeAddress;
import io.pygmy.config.Settings;
import io.pygmy.http.ErrorCode;
import io.pygmy.http.HttpServers;
import io.pygmy.raft.CheckpointSource;
import io.pygmy.raft.StoreStateMachine;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints over HTTP between the replicas of one group: a replica serves its store's checkpoint at
 * {@code GET /internal/checkpoint}, and one that must install a peer's fetches it there. The JDK client
 * streams it (a checkpoint of millions of orders is hundreds of megabytes); it is a rare call, so the
 * tiers' own lean client is not needed.
 */
public final class PeerCheckpoints implements CheckpointSource {
  private static final Logger LOG = LoggerFactory.getLogger(PeerCheckpoints.class);
  public static final String PATH = "/internal/checkpoint";

  /** Closes a transfer that outlived its deadline, so a stalled peer cannot hold an install for ever. */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("checkpoint-watchdog").factory());

  private final List<NodeAddress> peers;
  private final HttpClient client;
  private final Duration responseTimeout;
  private final long transferTimeoutMillis;

  public PeerCheckpoints(List<NodeAddress> group, NodeAddress self, Settings settings) {
    this.peers = group.stream().filter(n -> !n.name().equals(self.name())).toList();
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.backendTimeoutMillis())).build();
    // A checkpoint starts streaming once cut (a flush and hard links): well within the read timeout.
    this.responseTimeout = Duration.ofMillis(Math.max(10_000, settings.raftReadTimeoutMillis() * 5L));
    this.transferTimeoutMillis = settings.checkpointTransferTimeoutMillis();
  }

  @Override
  public InputStream open(String peer) throws IOException {
    NodeAddress node = peers.stream().filter(n -> n.name().equals(peer)).findFirst()
        .orElseThrow(() -> new IOException("no peer named " + peer + " in this group"));
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.httpUrl() + PATH)).timeout(responseTimeout).GET()
        .build();
    try {
      HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      InputStream body = r.body();
      if (r.statusCode() != 200) {
        body.close();
        throw new IOException(peer + " answered " + r.statusCode() + " to " + PATH);
      }
      ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> {
        LOG.warn("the checkpoint from {} took more than {} ms; abandoned", peer, transferTimeoutMillis);
        closeQuietly(body);
      }, transferTimeoutMillis, TimeUnit.MILLISECONDS);
      return new FilterInputStream(body) {
        @Override
        public void close() throws IOException {
          deadline.cancel(false);
          super.close();
        }
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + peer + " for a checkpoint", e);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.debug("closing an abandoned checkpoint stream: {}", e.toString());
    }
  }

  @Override
  public List<String> peers() {
    return peers.stream().map(NodeAddress::name).toList();
  }

  /** Answers {@code GET /internal/checkpoint}: the store's checkpoint as a stream, or 503 when busy. */
  public static void serve(Context ctx, StoreStateMachine stateMachine) throws IOException {
    ctx.contentType("application/octet-stream");
    long started = System.nanoTime();
    try (OutputStream out = ctx.res().getOutputStream()) {
      stateMachine.writeCheckpoint(out);
    } catch (IOException e) {
      if (!ctx.res().isCommitted()) {
        HttpServers.writeError(ctx, ErrorCode.UNAVAILABLE, "no checkpoint now: " + e.getMessage(), null);
        return;
      }
      throw e;
    }
    LOG.info("sent a checkpoint in {} ms", (System.nanoTime() - started) / 1_000_000);
  }
}
