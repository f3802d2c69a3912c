package io.pygmy.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of long phases on the terminal: one line rewritten in place on a console, or a line every
 * few seconds when the output is a file or a pipe.
 */
final class Progress {
  private static final long CONSOLE_EVERY_NANOS = 250_000_000L;
  private static final long LOG_EVERY_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final boolean console;
  private long lastNanos;
  private boolean open;

  Progress(PrintWriter err, boolean console) {
    this.err = err;
    this.console = console;
  }

  synchronized void phase(String text) {
    finishLine();
    err.println("== " + text);
    err.flush();
  }

  /** A status line for a running phase; rate-limited, so it may be called often. */
  synchronized void update(String format, Object... args) {
    long now = System.nanoTime();
    if (now - lastNanos < (console ? CONSOLE_EVERY_NANOS : LOG_EVERY_NANOS)) {
      return;
    }
    lastNanos = now;
    String line = String.format(Locale.ROOT, format, args);
    if (console) {
      err.print("\r   " + line + "\033[K");
      open = true;
    } else {
      err.println("   " + line);
    }
    err.flush();
  }

  synchronized void note(String text) {
    finishLine();
    err.println("   " + text);
    err.flush();
  }

  synchronized void finishLine() {
    if (open) {
      err.println();
      open = false;
    }
    lastNanos = 0;
  }
}
