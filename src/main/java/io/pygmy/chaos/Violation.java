package io.pygmy.chaos;

import java.util.List;

/**
 * A broken guarantee: which check, what is wrong, and the slice of the history that shows it (bounded,
 * so a report stays readable).
 */
public record Violation(String check, String message, List<Op> slice) {
  static final int MAX_SLICE = 40;

  public Violation {
    slice = slice == null ? List.of() : List.copyOf(slice.subList(Math.max(0, slice.size() - MAX_SLICE), slice.size()));
  }

  public String describe() {
    StringBuilder b = new StringBuilder().append('[').append(check).append("] ").append(message);
    for (Op op : slice) {
      b.append("\n      ").append(op.brief());
    }
    return b.toString();
  }
}
