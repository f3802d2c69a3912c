package io.pygmy.storage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Streams a checkpoint directory to a peer and back. Format, all numbers big-endian:
 *
 * <pre>
 *   header   "PYGMYCKP" (8 bytes), version u16 (= 1), file count u32
 *   per file name length u16, name (UTF-8, relative, '/'-separated), size u64, the bytes,
 *            SHA-256 of the bytes (32 bytes: after them, so the sender reads each file once)
 *   trailer  "PYGMYEND", file count u32, total file bytes u64,
 *            SHA-256 of every byte of the stream before this digest (names and sizes included)
 * </pre>
 *
 * The reader unpacks into {@code <target>.part} and renames it to {@code target} only once every size,
 * digest and count matched and everything is fsync'd: a directory named {@code target} is always a
 * complete, verified copy.
 */
public final class CheckpointArchive {
  static final byte[] MAGIC = "PYGMYCKP".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END = "PYGMYEND".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  /** Files of one checkpoint; RocksDB has a few dozen. */
  static final int MAX_FILES = 100_000;
  static final int MAX_NAME_BYTES = 1024;
  static final int MAX_COMPONENT_BYTES = 255;
  /** Default bound on the sum of the file sizes: a lying or broken peer cannot fill the disk. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 64L << 30;

  private CheckpointArchive() {}

  /** Writes every regular file under {@code checkpointDir} to {@code out} (flushed, not closed). */
  public static void write(Path checkpointDir, OutputStream out) throws IOException {
    List<Path> files = regularFiles(checkpointDir);
    MessageDigest whole = sha256();
    DataOutputStream data = new DataOutputStream(new DigestOutputStream(out, whole));
    data.write(MAGIC);
    data.writeShort(VERSION);
    data.writeInt(files.size());
    long total = 0;
    byte[] buf = new byte[64 * 1024];
    for (Path file : files) {
      byte[] name = nameOf(checkpointDir.relativize(file)).getBytes(StandardCharsets.UTF_8);
      long size = Files.size(file);
      data.writeShort(name.length);
      data.write(name);
      data.writeLong(size);
      MessageDigest digest = sha256();
      try (InputStream in = Files.newInputStream(file)) {
        long left = size;
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new IOException(file + " shrank while it was sent: a checkpoint must not change");
          }
          digest.update(buf, 0, n);
          data.write(buf, 0, n);
          left -= n;
        }
        if (in.read() >= 0) {
          throw new IOException(file + " grew while it was sent: a checkpoint must not change");
        }
      }
      data.write(digest.digest());
      total += size;
    }
    data.write(END);
    data.writeInt(files.size());
    data.writeLong(total);
    data.flush();
    out.write(whole.digest()); // straight to out: the digest does not cover itself
    out.flush();
  }

  /** {@link #read(InputStream, Path, long)} with {@link #DEFAULT_MAX_TOTAL_BYTES}. */
  public static void read(InputStream in, Path target) throws IOException {
    read(in, target, DEFAULT_MAX_TOTAL_BYTES);
  }

  /**
   * Unpacks a stream written by {@link #write} into {@code target}, which must not exist or be an empty
   * directory. On any mismatch throws {@link CorruptCheckpointException} and leaves neither
   * {@code target} nor its {@code .part} directory behind; reads the stream to its end.
   */
  public static void read(InputStream in, Path target, long maxTotalBytes) throws IOException {
    target = target.toAbsolutePath();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!isEmptyDirectory(target)) {
        throw new IOException(target + " exists and is not an empty directory");
      }
      Files.delete(target);
    }
    Path part = partOf(target);
    Fsync.deleteTree(part); // an earlier, interrupted download
    Files.createDirectories(part);
    boolean done = false;
    try {
      unpack(in, part, maxTotalBytes);
      Fsync.directory(part);
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      Fsync.directory(target.getParent());
      done = true;
    } catch (EOFException e) {
      throw new CorruptCheckpointException("checkpoint stream truncated", e);
    } finally {
      if (!done) {
        Fsync.deleteTree(part);
      }
    }
  }

  /** Where {@link #read} unpacks before the rename; {@link StoreDirectory#removeUnfinished} sweeps it. */
  public static Path partOf(Path target) {
    return target.resolveSibling(target.getFileName() + ".part");
  }

  private static void unpack(InputStream in, Path part, long maxTotalBytes) throws IOException {
    MessageDigest whole = sha256();
    DigestInputStream digested = new DigestInputStream(in, whole);
    DataInputStream data = new DataInputStream(digested);
    byte[] magic = data.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptCheckpointException("not a checkpoint stream (bad magic)");
    }
    int version = data.readUnsignedShort();
    if (version != VERSION) {
      throw new CorruptCheckpointException("checkpoint stream version " + version + ", expected " + VERSION);
    }
    int count = data.readInt();
    if (count < 0 || count > MAX_FILES) {
      throw new CorruptCheckpointException("checkpoint stream announces " + count + " files");
    }
    Set<String> seen = new HashSet<>();
    long total = 0;
    byte[] buf = new byte[64 * 1024];
    for (int i = 0; i < count; i++) {
      int nameLength = data.readUnsignedShort();
      if (nameLength == 0 || nameLength > MAX_NAME_BYTES) {
        throw new CorruptCheckpointException("file name of " + nameLength + " bytes");
      }
      String name = checkedName(data.readNBytes(nameLength));
      if (!seen.add(name)) {
        throw new CorruptCheckpointException("file " + name + " appears twice");
      }
      long size = data.readLong();
      if (size < 0 || size > maxTotalBytes - total) {
        throw new CorruptCheckpointException("file " + name + " of " + size + " bytes exceeds the bound of "
            + maxTotalBytes + " bytes in all");
      }
      total += size;
      Path file = part.resolve(name);
      MessageDigest digest = sha256();
      try (FileChannel ch = create(file)) {
        long left = size;
        while (left > 0) {
          int n = (int) Math.min(buf.length, left);
          data.readFully(buf, 0, n);
          digest.update(buf, 0, n);
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          left -= n;
        }
        ch.force(true);
      }
      byte[] expected = new byte[32];
      data.readFully(expected);
      if (!MessageDigest.isEqual(expected, digest.digest())) {
        throw new CorruptCheckpointException("file " + name + ": SHA-256 mismatch");
      }
    }
    byte[] end = data.readNBytes(END.length);
    if (!Arrays.equals(end, END)) {
      throw new CorruptCheckpointException("no trailer after " + count + " files (more files than announced?)");
    }
    int trailerCount = data.readInt();
    long trailerTotal = data.readLong();
    if (trailerCount != count || trailerTotal != total) {
      throw new CorruptCheckpointException("trailer says " + trailerCount + " files, " + trailerTotal
          + " bytes; the stream had " + count + " files, " + total + " bytes");
    }
    digested.on(false);
    byte[] expected = new byte[32];
    data.readFully(expected);
    if (!MessageDigest.isEqual(expected, whole.digest())) {
      throw new CorruptCheckpointException("checkpoint stream: SHA-256 mismatch");
    }
    if (in.read() >= 0) {
      throw new CorruptCheckpointException("bytes after the checkpoint stream's trailer");
    }
    fsyncDirectories(part);
  }

  /** A relative, normalised name that stays inside the target: no "..", ".", empty or absolute parts. */
  static String checkedName(byte[] bytes) throws CorruptCheckpointException {
    String name = new String(bytes, StandardCharsets.UTF_8);
    if (!Arrays.equals(name.getBytes(StandardCharsets.UTF_8), bytes)) {
      throw new CorruptCheckpointException("file name is not valid UTF-8");
    }
    if (name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      throw new CorruptCheckpointException("file name " + name + " holds a NUL or a backslash");
    }
    for (String component : name.split("/", -1)) {
      if (component.isEmpty() || component.equals(".") || component.equals("..")
          || component.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
        throw new CorruptCheckpointException("file name " + name + " is not a plain relative path");
      }
    }
    return name;
  }

  /** A new file; a name that collides with another file or directory of the stream is corruption. */
  private static FileChannel create(Path file) throws IOException {
    try {
      Files.createDirectories(file.getParent());
      return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException | NotDirectoryException e) {
      throw new CorruptCheckpointException("file name " + file.getFileName() + " collides with another", e);
    }
  }

  private static List<Path> regularFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.add(p);
        } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException(p + " is neither a file nor a directory");
        }
      }
    }
    files.sort((a, b) -> nameOf(dir.relativize(a)).compareTo(nameOf(dir.relativize(b))));
    if (files.size() > MAX_FILES) {
      throw new IOException(dir + " holds more than " + MAX_FILES + " files");
    }
    return files;
  }

  private static String nameOf(Path relative) {
    StringBuilder s = new StringBuilder();
    for (Path component : relative) {
      s.append(s.isEmpty() ? "" : "/").append(component);
    }
    return s.toString();
  }

  private static void fsyncDirectories(Path root) throws IOException {
    List<Path> dirs;
    try (Stream<Path> all = Files.walk(root)) {
      dirs = all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
    for (Path d : dirs) {
      Fsync.directory(d);
    }
  }

  private static boolean isEmptyDirectory(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(p)) {
      return entries.findAny().isEmpty();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
