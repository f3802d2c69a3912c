package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Property
  void everyFieldRoundTrips(@ForAll long a, @ForAll long z, @ForAll long fixed, @ForAll boolean flag,
      @ForAll String text, @ForAll byte one) {
    byte[] v = Values.writer().byteValue(one & 0xff).varlong(a).zigzag(z).i64(fixed).bool(flag).text(text)
        .text(null).build();
    Values.Reader r = Values.reader(v);
    assertThat(r.byteValue()).isEqualTo(one & 0xff);
    assertThat(r.varlong()).isEqualTo(a);
    assertThat(r.zigzag()).isEqualTo(z);
    assertThat(r.i64()).isEqualTo(fixed);
    assertThat(r.bool()).isEqualTo(flag);
    assertThat(r.text()).isEqualTo(text);
    assertThat(r.text()).isNull();
    assertThat(r.atEnd()).isTrue();
  }

  @Test
  void smallNumbersStayShort() {
    assertThat(Values.writer().varlong(127).build()).hasSize(1);
    assertThat(Values.writer().varlong(128).build()).hasSize(2);
    assertThat(Values.writer().zigzag(-1).build()).hasSize(1);
    assertThat(Values.writer().varlong(-1).build()).hasSize(10);
    assertThat(Values.writer().text("").build()).hasSize(1);
  }

  @Test
  void aValueThatEndsEarlyOrLiesIsAStorageException() {
    byte[] v = Values.writer().text("hello").build();
    byte[] cut = java.util.Arrays.copyOf(v, 3);
    assertThatThrownBy(() -> Values.reader(cut).text()).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> Values.reader(new byte[0]).varlong()).isInstanceOf(StorageException.class);
    // a length of 2^63: must not wrap round to a small one
    byte[] huge = Values.writer().varlong(Long.MIN_VALUE).build();
    assertThatThrownBy(() -> Values.reader(huge).text()).isInstanceOf(StorageException.class);
    byte[] big = Values.writer().varlong(Integer.MAX_VALUE).byteValue(1).build();
    assertThatThrownBy(() -> Values.reader(big).text()).isInstanceOf(StorageException.class);
    byte[] tooLong = new byte[11];
    java.util.Arrays.fill(tooLong, (byte) 0x80);
    assertThatThrownBy(() -> Values.reader(tooLong).varlong()).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> Values.reader(Values.writer().varlong(1L << 40).build()).varint())
        .isInstanceOf(StorageException.class);
  }
}
