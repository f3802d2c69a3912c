package io.pygmy.raft;

import io.pygmy.http.ApiException;
import io.pygmy.http.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into a Raft group with a deadline. A call returns the state machine's reply, or throws
 * {@link ApiException}: {@code UNAVAILABLE} when no quorum answered in time (the write may or may not
 * have happened; retrying with the same idempotency key is safe), or the rejection a state machine
 * raised before logging the command.
 */
public final class RaftCalls {
  private static final Logger LOG = LoggerFactory.getLogger(RaftCalls.class);
  /** Marks a state machine's structured refusal inside Ratis' exception message. */
  static final String REJECTION_MARK = "PYGMY-REJECTION:";
  /** Marks a query the state machine refused as malformed (a bad cursor, say): answered 400, not 500. */
  static final String BAD_QUERY_MARK = "PYGMY-BAD-QUERY:";

  private RaftCalls() {}

  /**
   * A replicated write. The client's retry policy bounds one send by the write timeout; leader
   * step-downs and transfers surface at once instead, so this loop retries those with the same command
   * bytes (hence the same idempotency key) while {@code deadline} allows.
   */
  public static byte[] write(RaftClient client, byte[] command, Duration deadline, String what) {
    long giveUpAt = System.nanoTime() + deadline.toNanos();
    IOException last = null;
    int attempt = 0;
    while (System.nanoTime() < giveUpAt && attempt < 3) {
      attempt++;
      try {
        RaftClientReply reply = client.io().send(Message.valueOf(ByteString.copyFrom(command)));
        return content(reply, what);
      } catch (StateMachineException e) {
        throw rejection(e, what);
      } catch (IOException e) {
        last = e;
        LOG.debug("{} attempt {} failed: {}", what, attempt, e.toString());
        sleepQuietly(50L * attempt);
      }
    }
    throw unavailable(what, last);
  }

  /**
   * A replicated write submitted to {@code local} when it leads (no network hop), otherwise, or when it
   * answers that it is not (or no longer) the leader, sent through {@code client} like {@link #write}.
   * A leader that steps down also fails the entries it had appended but not committed, and a later leader
   * may still commit them; so, as with {@link #write}'s own retries, a command may reach the log twice,
   * and callers send only commands the state machine deduplicates by their idempotency key.
   */
  public static byte[] writePreferLocal(RaftReplica local, RaftClient client, byte[] command, Duration deadline,
                                        String what) {
    if (local.status().leads()) {
      try {
        return local.writeLocal(command, deadline.toMillis()).join();
      } catch (java.util.concurrent.CompletionException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof RaftReplica.NotHereException)) {
          throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
        LOG.debug("{}: {}; sending through the client", what, cause.getMessage());
      }
    }
    return write(client, command, deadline, what);
  }

  /** A linearizable read served by any replica of the group (the client picks the leader by default). */
  public static byte[] read(RaftClient client, byte[] query, String what) {
    try {
      RaftClientReply reply = client.io().sendReadOnly(Message.valueOf(ByteString.copyFrom(query)));
      return content(reply, what);
    } catch (StateMachineException e) {
      throw rejection(e, what);
    } catch (IOException e) {
      throw unavailable(what, e);
    }
  }

  /**
   * Waits at most {@code timeoutMillis} for {@code future}, as a request handler does for local reads and
   * the catalog's invalidations. An {@link ApiException} it failed with is thrown as it is; any other
   * failure, the timeout, or an interrupt becomes {@code UNAVAILABLE} saying {@code what}.
   */
  public static <T> T await(CompletableFuture<T> future, long timeoutMillis, String what) {
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException api) {
        throw api;
      }
      throw ApiException.unavailable(what + " failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw ApiException.unavailable(what + " timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted");
    }
  }

  static byte[] content(RaftClientReply reply, String what) {
    if (!reply.isSuccess()) {
      Exception e = reply.getException();
      if (e instanceof StateMachineException sme) {
        throw rejection(sme, what);
      }
      throw unavailable(what, e);
    }
    return reply.getMessage().getContent().toByteArray();
  }

  static ApiException unavailable(String what, Exception cause) {
    String reason = cause == null ? "deadline passed" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new ApiException(ErrorCode.UNAVAILABLE, what + " failed: no quorum answered in time (" + reason + ")");
  }

  /** The state machine refused the command before logging it; its message carries our JSON reply. */
  public static final class RejectedException extends RuntimeException {
    private final byte[] reply;

    RejectedException(byte[] reply) {
      super("rejected before logging", null, false, false);
      this.reply = reply;
    }

    public byte[] reply() {
      return reply;
    }
  }

  static RuntimeException rejection(StateMachineException e, String what) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(REJECTION_MARK);
      if (at >= 0) {
        return new RejectedException(m.substring(at + REJECTION_MARK.length()).getBytes(StandardCharsets.UTF_8));
      }
    }
    LOG.error("{}: state machine failure", what, e);
    return new ApiException(ErrorCode.INTERNAL, what + ": state machine failure: " + e.getMessage());
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
