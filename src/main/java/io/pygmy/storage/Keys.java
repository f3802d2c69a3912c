package io.pygmy.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Building and reading ordered keys: a one-byte table tag, then fields that sort as their values do
 * (numbers big-endian with the sign bit flipped, text as UTF-8 ended by a zero byte, which text in keys
 * never contains). Scanning a table or a key prefix is a range {@code [prefix, Keys.end(prefix))}.
 */
public final class Keys {
  private Keys() {}

  public static Builder of(int table) {
    return new Builder(table);
  }

  /** The smallest key above every key that starts with {@code prefix}. */
  public static byte[] end(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    throw new IllegalArgumentException("no key follows a prefix of 0xff bytes");
  }

  /** The key right after {@code key} in order: for resuming a scan after the last key seen. */
  public static byte[] after(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  public static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(24);

    private Builder(int table) {
      if (table < 1 || table > 0xfe) {
        throw new IllegalArgumentException("table tag must be in 1..254");
      }
      out.write(table);
    }

    public Builder i32(int v) {
      int x = v ^ Integer.MIN_VALUE;
      out.write(x >>> 24);
      out.write(x >>> 16);
      out.write(x >>> 8);
      out.write(x);
      return this;
    }

    public Builder i64(long v) {
      long x = v ^ Long.MIN_VALUE;
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (x >>> shift));
      }
      return this;
    }

    public Builder text(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      for (byte c : b) {
        if (c == 0) {
          throw new IllegalArgumentException("text in a key cannot hold a zero byte");
        }
      }
      out.writeBytes(b);
      out.write(0);
      return this;
    }

    public Builder raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    public Builder tag(int b) {
      out.write(b);
      return this;
    }

    public byte[] build() {
      return out.toByteArray();
    }
  }

  /** Reads the fields of a key in the order they were built, after its table tag. */
  public static final class Reader {
    private final byte[] key;
    private int pos = 1;

    public Reader(byte[] key) {
      this.key = key;
    }

    public int i32() {
      int x = 0;
      for (int i = 0; i < 4; i++) {
        x = (x << 8) | (key[pos++] & 0xff);
      }
      return x ^ Integer.MIN_VALUE;
    }

    public long i64() {
      long x = 0;
      for (int i = 0; i < 8; i++) {
        x = (x << 8) | (key[pos++] & 0xff);
      }
      return x ^ Long.MIN_VALUE;
    }

    public String text() {
      int start = pos;
      while (key[pos] != 0) {
        pos++;
      }
      String s = new String(key, start, pos - start, StandardCharsets.UTF_8);
      pos++;
      return s;
    }

    public int tag() {
      return key[pos++] & 0xff;
    }
  }
}
