package io.pygmy.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The words a title is found by: lower-case runs of letters and digits, each cut to
 * {@link #MAX_WORD_LENGTH}, at most {@link #MAX_WORDS} distinct words a title. A search is split the
 * same way, so "Xen and the Art" finds "Xen and the Art of Surviving Graduate School".
 */
public final class TitleWords {
  static final int MAX_WORD_LENGTH = 32;
  static final int MAX_WORDS = 24;
  /** Most words a search may have; more are ignored. */
  static final int MAX_QUERY_WORDS = 8;

  private TitleWords() {}

  /** The distinct words of {@code text}, in sorted order. */
  public static List<String> of(String text) {
    TreeSet<String> words = new TreeSet<>(split(text, Integer.MAX_VALUE));
    List<String> out = new ArrayList<>(Math.min(words.size(), MAX_WORDS));
    for (String w : words) {
      if (out.size() == MAX_WORDS) {
        break;
      }
      out.add(w);
    }
    return out;
  }

  /** The words of a search, in the order typed (the last one may be unfinished). */
  public static List<String> ofQuery(String query) {
    return split(query, MAX_QUERY_WORDS);
  }

  private static List<String> split(String text, int max) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i <= lower.length() && words.size() < max; ) {
      int cp = i < lower.length() ? lower.codePointAt(i) : ' ';
      if (Character.isLetterOrDigit(cp)) {
        if (word.length() < MAX_WORD_LENGTH) {
          word.appendCodePoint(cp);
        }
      } else if (!word.isEmpty()) {
        words.add(word.toString());
        word.setLength(0);
      }
      i += i < lower.length() ? Character.charCount(cp) : 1;
    }
    return words;
  }
}
