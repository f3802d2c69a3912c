package io.pygmy.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A compact binary encoding for stored values: variable-length numbers and length-prefixed text. Each
 * stored record starts with a format byte of its own, so its layout can change without a migration.
 */
public final class Values {
  private Values() {}

  public static Writer writer() {
    return new Writer();
  }

  public static Reader reader(byte[] value) {
    return new Reader(value);
  }

  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    /** An unsigned variable-length number (7 bits a byte); negative values take ten bytes. */
    public Writer varlong(long v) {
      long x = v;
      while ((x & ~0x7fL) != 0) {
        out.write((int) ((x & 0x7f) | 0x80));
        x >>>= 7;
      }
      out.write((int) x);
      return this;
    }

    /** A signed number, zig-zag encoded so small negative numbers stay short. */
    public Writer zigzag(long v) {
      return varlong((v << 1) ^ (v >> 63));
    }

    public Writer bool(boolean b) {
      out.write(b ? 1 : 0);
      return this;
    }

    public Writer i64(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (v >>> shift));
      }
      return this;
    }

    /** Text, or null. */
    public Writer text(String s) {
      if (s == null) {
        varlong(0);
        return this;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varlong(b.length + 1L);
      out.writeBytes(b);
      return this;
    }

    public Writer byteValue(int b) {
      out.write(b);
      return this;
    }

    public byte[] build() {
      return out.toByteArray();
    }
  }

  /** Reads fields in the order they were written; a value that ends early is a {@link StorageException}. */
  public static final class Reader {
    private final byte[] in;
    private int pos;

    private Reader(byte[] in) {
      this.in = in;
    }

    private int next() {
      if (pos >= in.length) {
        throw new StorageException("stored value ends early (" + in.length + " bytes)");
      }
      return in[pos++] & 0xff;
    }

    public long varlong() {
      long x = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = next();
        x |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return x;
        }
      }
      throw new StorageException("malformed number in a stored value");
    }

    public long zigzag() {
      long x = varlong();
      return (x >>> 1) ^ -(x & 1);
    }

    public int varint() {
      long v = varlong();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new StorageException("stored number " + v + " does not fit an int");
      }
      return (int) v;
    }

    public boolean bool() {
      return next() != 0;
    }

    public long i64() {
      long x = 0;
      for (int i = 0; i < 8; i++) {
        x = (x << 8) | next();
      }
      return x;
    }

    public String text() {
      long n = varlong();
      if (n == 0) {
        return null;
      }
      // Unsigned compare: a ten-byte (negative) length must not pass as a small one.
      if (Long.compareUnsigned(n - 1, in.length - pos) > 0) {
        throw new StorageException("stored text runs past its value");
      }
      int len = (int) (n - 1);
      String s = new String(in, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }

    public int byteValue() {
      return next();
    }

    public boolean atEnd() {
      return pos == in.length;
    }
  }
}
