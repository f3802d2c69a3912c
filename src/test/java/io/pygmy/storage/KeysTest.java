package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class KeysTest {
  static int cmp(byte[] a, byte[] b) {
    return Integer.signum(Arrays.compareUnsigned(a, b));
  }

  @Property
  void i64KeysSortAsTheirNumbersAndRoundTrip(@ForAll long a, @ForAll long b) {
    byte[] ka = Keys.of(3).i64(a).build();
    byte[] kb = Keys.of(3).i64(b).build();
    assertThat(cmp(ka, kb)).isEqualTo(Integer.signum(Long.compare(a, b)));
    assertThat(new Keys.Reader(ka).i64()).isEqualTo(a);
  }

  @Property
  void i32KeysSortAsTheirNumbersAndRoundTrip(@ForAll int a, @ForAll int b) {
    byte[] ka = Keys.of(3).i32(a).build();
    byte[] kb = Keys.of(3).i32(b).build();
    assertThat(cmp(ka, kb)).isEqualTo(Integer.signum(Integer.compare(a, b)));
    assertThat(new Keys.Reader(ka).i32()).isEqualTo(a);
  }

  @Property
  void textKeysSortAsTheirCodePointsAndRoundTrip(
      @ForAll @StringLength(max = 8) @CharRange(from = 1, to = 0x3000) String a,
      @ForAll @StringLength(max = 8) @CharRange(from = 1, to = 0x3000) String b, @ForAll int then) {
    byte[] ka = Keys.of(7).text(a).i32(then).build();
    byte[] kb = Keys.of(7).text(b).i32(0).build();
    int expected = Integer.signum(a.codePoints().boxed().toList().equals(b.codePoints().boxed().toList())
        ? Integer.compare(then, 0) : compareCodePoints(a, b));
    assertThat(cmp(ka, kb)).isEqualTo(expected);
    Keys.Reader r = new Keys.Reader(ka);
    assertThat(r.text()).isEqualTo(a);
    assertThat(r.i32()).isEqualTo(then);
  }

  static int compareCodePoints(String a, String b) {
    return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }

  @Test
  void negativeNumbersSortBelowPositiveOnes() {
    byte[] minus = Keys.of(1).i64(-1).build();
    byte[] zero = Keys.of(1).i64(0).build();
    byte[] plus = Keys.of(1).i64(1).build();
    byte[] min = Keys.of(1).i64(Long.MIN_VALUE).build();
    byte[] max = Keys.of(1).i64(Long.MAX_VALUE).build();
    assertThat(cmp(min, minus)).isNegative();
    assertThat(cmp(minus, zero)).isNegative();
    assertThat(cmp(zero, plus)).isNegative();
    assertThat(cmp(plus, max)).isNegative();
    assertThat(cmp(Keys.of(1).i32(-5).build(), Keys.of(1).i32(3).build())).isNegative();
  }

  @Test
  void aPrefixSortsBeforeItsExtensionsAndTablesSeparate() {
    assertThat(cmp(Keys.of(1).text("ab").build(), Keys.of(1).text("abc").build())).isNegative();
    assertThat(cmp(Keys.of(1).text("b").build(), Keys.of(1).text("abc").build())).isPositive();
    assertThat(cmp(Keys.of(1).i64(Long.MAX_VALUE).build(), Keys.of(2).build())).isNegative();
    assertThatThrownBy(() -> Keys.of(1).text("a\0b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keys.of(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keys.of(255)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void endIsTheFirstKeyPastAPrefix() {
    byte[] prefix = Keys.of(4).i32(9).build();
    byte[] end = Keys.end(prefix);
    assertThat(cmp(Keys.of(4).i32(9).i64(Long.MAX_VALUE).text("zzz").build(), end)).isNegative();
    assertThat(cmp(prefix, end)).isNegative();
    assertThat(cmp(Keys.of(4).i32(10).build(), end)).isZero();
    assertThat(Keys.end(new byte[] {1, (byte) 0xff, (byte) 0xff})).containsExactly(2);
    assertThat(Keys.end(Keys.of(5).build())).containsExactly(6);
    assertThatThrownBy(() -> Keys.end(new byte[] {(byte) 0xff})).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void afterIsTheNextKeyInOrder(@ForAll byte[] key, @ForAll byte[] other) {
    byte[] next = Keys.after(key);
    assertThat(cmp(key, next)).isNegative();
    // nothing fits between a key and its successor
    assertThat(cmp(other, key) > 0 && cmp(other, next) < 0).isFalse();
  }

  @Test
  void afterResumesAScanPastTheLastKeySeen() {
    MemoryStore store = new MemoryStore();
    StagedWrites w = store.stage();
    for (int i = 0; i < 5; i++) {
      w.put(Keys.of(1).i32(i).build(), new byte[] {(byte) i});
    }
    store.commit(w);
    byte[] from = Keys.of(1).build();
    byte[] to = Keys.end(from);
    var page1 = store.latest().scan(from, to, 3);
    var page2 = store.latest().scan(Keys.after(page1.get(2).key()), to, 3);
    assertThat(page2).extracting(e -> new Keys.Reader(e.key()).i32()).containsExactly(3, 4);
  }
}
