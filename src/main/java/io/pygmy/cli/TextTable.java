package io.pygmy.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table for terminals: a header row, columns padded to their widest cell, two spaces apart. */
final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... header) {
    if (header.length == 0) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.header = List.of(header);
  }

  /** Adds a row; null cells print as "-". */
  TextTable row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + header.size() + " columns");
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object c : cells) {
      row.add(c == null ? "-" : c.toString());
    }
    rows.add(row);
    return this;
  }

  /** The table as lines ending in '\n', without trailing spaces. */
  String render() {
    int[] widths = new int[header.size()];
    for (List<String> r : allRows()) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> r : allRows()) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(r.get(i));
        if (i < widths.length - 1) {
          line.append(" ".repeat(widths[i] - r.get(i).length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private List<List<String>> allRows() {
    List<List<String>> all = new ArrayList<>(rows.size() + 1);
    all.add(header);
    all.addAll(rows);
    return all;
  }
}
