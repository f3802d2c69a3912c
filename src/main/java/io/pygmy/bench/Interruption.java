package io.pygmy.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during a soak: a shutdown hook asks the soak to stop and holds the JVM's exit until the partial
 * report is written and the cluster stopped ({@link #release}), at most {@link #MAX_HOLD}. Outside a
 * soak ({@link #hold} not called) Ctrl-C ends the bench at once, as before.
 */
final class Interruption implements AutoCloseable {
  static final Duration MAX_HOLD = Duration.ofSeconds(60);

  private final CountDownLatch released = new CountDownLatch(1);
  private final Thread hook = new Thread(this::onSignal, "bench-interrupted");
  private volatile boolean requested;
  private volatile boolean holding;

  Interruption() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  boolean requested() {
    return requested;
  }

  /** From now on an interrupt waits for {@link #release}. */
  void hold() {
    holding = true;
  }

  void release() {
    released.countDown();
  }

  private void onSignal() {
    requested = true;
    if (!holding) {
      return;
    }
    System.err.println("\npygmy bench: stopping the soak and writing a partial report (at most "
        + MAX_HOLD.toSeconds() + " s)");
    try {
      released.await(MAX_HOLD.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    release();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down (Ctrl-C): the hook is running, and returns now that it is released.
    }
  }
}
