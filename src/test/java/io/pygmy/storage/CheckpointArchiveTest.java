package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointArchiveTest {
  @TempDir
  Path tmp;

  Path source() throws IOException {
    Path dir = tmp.resolve("source");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("CURRENT"), "MANIFEST-000001\n");
    Files.write(dir.resolve("000007.sst"), new byte[200_000]); // spans several copy buffers
    Files.write(dir.resolve("empty.log"), new byte[0]);
    Files.writeString(dir.resolve("sub/nested"), "deep");
    return dir;
  }

  static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Arrays.toString(MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(p))));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  byte[] archive(Path dir) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CheckpointArchive.write(dir, out);
    return out.toByteArray();
  }

  void assertRefused(byte[] stream, String message) {
    Path target = tmp.resolve("target");
    assertThatThrownBy(() -> CheckpointArchive.read(new ByteArrayInputStream(stream), target))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(message);
    assertThat(target).doesNotExist();
    assertThat(CheckpointArchive.partOf(target)).doesNotExist();
  }

  @Test
  void roundTrip() throws IOException {
    Path src = source();
    Path target = tmp.resolve("target");
    CheckpointArchive.read(new ByteArrayInputStream(archive(src)), target);
    assertThat(contents(target)).isEqualTo(contents(src)).hasSize(4);
    assertThat(CheckpointArchive.partOf(target)).doesNotExist();
  }

  @Test
  void aRocksCheckpointRoundTripsAndOpens() throws IOException {
    Path cp = tmp.resolve("cp");
    try (RocksStore store = RocksStore.open(tmp.resolve("kv"), RocksStore.Limits.defaults())) {
      StagedWrites w = store.stage();
      w.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
      store.commit(w);
      store.checkpoint(cp);
    }
    Path target = tmp.resolve("received");
    Files.createDirectories(target); // an empty directory is accepted
    CheckpointArchive.read(new ByteArrayInputStream(archive(cp)), target);
    try (RocksStore copy = RocksStore.open(target, RocksStore.Limits.defaults())) {
      assertThat(copy.latest().get("k".getBytes(StandardCharsets.UTF_8))).isEqualTo("v".getBytes());
    }
  }

  @Test
  void aFlippedByteAnywhereIsRefused() throws IOException {
    byte[] good = archive(source());
    // In the header, a name, a size, file bytes, a file digest, the trailer, the stream digest.
    for (int at : new int[] {3, 9, 20, 40, 1_000, 150_000, good.length - 60, good.length - 40, good.length - 1}) {
      byte[] bad = good.clone();
      bad[at] ^= 0x10;
      Path target = tmp.resolve("target");
      assertThatThrownBy(() -> CheckpointArchive.read(new ByteArrayInputStream(bad), target))
          .as("byte %d flipped", at).isInstanceOf(CorruptCheckpointException.class);
      assertThat(target).doesNotExist();
      assertThat(CheckpointArchive.partOf(target)).doesNotExist();
    }
  }

  @Test
  void aTruncatedStreamIsRefused() throws IOException {
    byte[] good = archive(source());
    for (int length : new int[] {0, 5, 30, 100_000, good.length - 33, good.length - 1}) {
      assertRefused(Arrays.copyOf(good, length), "");
    }
    assertRefused(Arrays.copyOf(good, good.length - 1), "truncated");
  }

  @Test
  void bytesAfterTheTrailerAreRefused() throws IOException {
    byte[] good = archive(source());
    assertRefused(Arrays.copyOf(good, good.length + 1), "after");
  }

  /** A stream written by hand: the sender lies about the file count or sends a bad name. */
  static byte[] forged(int announced, Map<String, byte[]> files, boolean honestTrailer) throws Exception {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    MessageDigest whole = MessageDigest.getInstance("SHA-256");
    DataOutputStream out = new DataOutputStream(new java.security.DigestOutputStream(raw, whole));
    out.write(CheckpointArchive.MAGIC);
    out.writeShort(CheckpointArchive.VERSION);
    out.writeInt(announced);
    long total = 0;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      byte[] name = f.getKey().getBytes(StandardCharsets.UTF_8);
      out.writeShort(name.length);
      out.write(name);
      out.writeLong(f.getValue().length);
      out.write(f.getValue());
      out.write(MessageDigest.getInstance("SHA-256").digest(f.getValue()));
      total += f.getValue().length;
    }
    out.write(CheckpointArchive.END);
    out.writeInt(honestTrailer ? files.size() : announced);
    out.writeLong(total);
    out.flush();
    raw.write(whole.digest());
    return raw.toByteArray();
  }

  @Test
  void anExtraOrMissingFileIsRefused() throws Exception {
    Map<String, byte[]> two = new TreeMap<>(Map.of("a", new byte[] {1}, "b", new byte[] {2}));
    // extra: two files sent, one announced; the reader meets a file where the trailer should be
    assertRefused(forged(1, two, true), "no trailer");
    // missing: three announced, two sent; the trailer is read as a file entry and does not fit
    assertRefused(forged(3, two, false), "");
    Map<String, byte[]> one = Map.of("a", new byte[] {1});
    byte[] lyingTrailer = forged(1, one, true);
    // header says 1, trailer count patched to 2: caught before the stream digest is checked
    int trailerCount = lyingTrailer.length - 32 - 8 - 4;
    lyingTrailer[trailerCount + 3] = 2;
    assertRefused(lyingTrailer, "trailer says 2 files");
  }

  @Test
  void namesThatLeaveTheTargetAreRefused() throws Exception {
    for (String name : new String[] {"../evil", "/etc/passwd", "a/../../evil", "a//b", "./a", "a\\..\\b", ""}) {
      assertRefused(forged(1, Map.of(name, new byte[] {1}), true), name.isEmpty() ? "0 bytes" : "");
    }
    assertThat(tmp.resolve("evil")).doesNotExist();
    assertRefused(forged(1, Map.of("x".repeat(300), new byte[] {1}), true), "not a plain relative path");
  }

  @Test
  void duplicateAndCollidingNamesAreRefused() throws Exception {
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put("a", new byte[] {1});
    files.put("a/b", new byte[] {2});
    assertRefused(forged(2, files, true), "collides");
  }

  @Test
  void theTotalSizeIsBounded() throws IOException {
    byte[] good = archive(source());
    Path target = tmp.resolve("target");
    assertThatThrownBy(() -> CheckpointArchive.read(new ByteArrayInputStream(good), target, 100_000))
        .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("exceeds the bound");
    assertThat(target).doesNotExist();
  }

  @Test
  void aLeftoverPartDirectoryIsReplacedAndANonEmptyTargetRefused() throws IOException {
    Path target = tmp.resolve("target");
    Path part = CheckpointArchive.partOf(target);
    Files.createDirectories(part);
    Files.writeString(part.resolve("stale"), "from an interrupted download");
    CheckpointArchive.read(new ByteArrayInputStream(archive(source())), target);
    assertThat(target.resolve("stale")).doesNotExist();
    assertThatThrownBy(() -> CheckpointArchive.read(new ByteArrayInputStream(archive(source())), target))
        .isInstanceOf(IOException.class).hasMessageContaining("not an empty directory");
    assertThat(target.resolve("CURRENT")).exists();
  }
}
