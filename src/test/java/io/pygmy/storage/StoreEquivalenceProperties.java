package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.storage.KeyValues.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random histories of staged puts and deletes, commits, dropped batches, reads and scans (staged and
 * through views) give the same answers on MemoryStore, RocksStore and a plain TreeMap model.
 */
class StoreEquivalenceProperties {
  sealed interface Op {}

  record Put(byte[] key, byte[] value) implements Op {
    @Override
    public String toString() {
      return "Put(" + hex(key) + "=" + hex(value) + ")";
    }
  }

  record Delete(byte[] key) implements Op {
    @Override
    public String toString() {
      return "Delete(" + hex(key) + ")";
    }
  }

  record Commit() implements Op {}

  record Drop() implements Op {}

  record Get(byte[] key) implements Op {
    @Override
    public String toString() {
      return "Get(" + hex(key) + ")";
    }
  }

  record Scan(byte[] from, byte[] to, int limit, boolean descending, boolean inView) implements Op {
    @Override
    public String toString() {
      return "Scan(" + hex(from) + ".." + hex(to) + ", " + limit + (descending ? ", desc" : "")
          + (inView ? ", view" : "") + ")";
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  // One RocksDB for the whole property (opening one per try would dominate the run); each try starts by
  // deleting whatever the previous one left.
  static Path dir;
  static RocksStore rocks;

  @BeforeContainer
  static void open() throws IOException {
    dir = Files.createTempDirectory("equivalence");
    rocks = RocksStore.open(dir.resolve("kv"), new RocksStore.Limits(4 << 20, 2 << 20, 2));
  }

  @AfterContainer
  static void close() throws IOException {
    rocks.close();
    Fsync.deleteTree(dir);
  }

  /** Few, short keys over bytes on both sides of 0x80, so keys collide and unsigned order matters. */
  @Provide
  Arbitrary<List<Op>> histories() {
    Arbitrary<byte[]> key = Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x7f, (byte) 0x80, (byte) 0xff)
        .array(byte[].class).ofMaxSize(3);
    Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(4);
    Arbitrary<Op> put = Combinators.combine(key, value).as(Put::new);
    Arbitrary<Op> delete = key.map(Delete::new);
    Arbitrary<Op> get = key.map(Get::new);
    Arbitrary<Op> scan = Combinators.combine(key, key, Arbitraries.integers().between(0, 6),
        Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Scan::new);
    Arbitrary<Op> commit = Arbitraries.just(new Commit());
    Arbitrary<Op> drop = Arbitraries.just(new Drop());
    return Arbitraries.frequencyOf(
        Tuple.of(6, put), Tuple.of(3, delete), Tuple.of(2, commit),
        Tuple.of(1, drop), Tuple.of(2, get), Tuple.of(4, scan))
        .list().ofMaxSize(60);
  }

  @Property(tries = 300)
  void memoryRocksAndAModelAgree(@ForAll("histories") List<Op> history) {
    clear(rocks);
    MemoryStore memory = new MemoryStore();
    Model model = new Model();
    StagedWrites m = memory.stage();
    StagedWrites r = rocks.stage();
    for (Op op : history) {
      switch (op) {
        case Put p -> {
          m.put(p.key(), p.value());
          r.put(p.key(), p.value());
          model.staged.put(p.key(), p.value());
        }
        case Delete d -> {
          m.delete(d.key());
          r.delete(d.key());
          model.staged.put(d.key(), null);
        }
        case Commit c -> {
          memory.commit(m);
          rocks.commit(r);
          model.commit();
          m = memory.stage();
          r = rocks.stage();
        }
        case Drop d -> {
          m = memory.stage();
          r = rocks.stage();
          model.staged.clear();
        }
        case Get g -> {
          byte[] expected = model.get(g.key());
          assertThat(m.get(g.key())).as("memory " + op).isEqualTo(expected);
          assertThat(r.get(g.key())).as("rocks " + op).isEqualTo(expected);
        }
        case Scan s -> {
          if (s.inView()) {
            List<String> expected = show(model.scan(model.committed, s));
            try (ReadView mv = memory.view(); ReadView rv = rocks.view()) {
              assertThat(show(mv.scan(s.from(), s.to(), s.limit(), s.descending()))).as("memory " + op)
                  .isEqualTo(expected);
              assertThat(show(rv.scan(s.from(), s.to(), s.limit(), s.descending()))).as("rocks " + op)
                  .isEqualTo(expected);
            }
          } else {
            List<String> expected = show(model.scan(model.merged(), s));
            assertThat(show(m.scan(s.from(), s.to(), s.limit(), s.descending()))).as("memory " + op)
                .isEqualTo(expected);
            assertThat(show(r.scan(s.from(), s.to(), s.limit(), s.descending()))).as("rocks " + op)
                .isEqualTo(expected);
          }
        }
      }
    }
    assertThat(rocks.openViews()).isZero();
  }

  static void clear(RocksStore store) {
    StagedWrites w = store.stage();
    for (Entry e : store.latest().scan(new byte[0], new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1},
        Integer.MAX_VALUE)) {
      w.delete(e.key());
    }
    store.commit(w);
  }

  static List<String> show(List<Entry> entries) {
    return entries.stream().map(e -> hex(e.key()) + "=" + hex(e.value())).toList();
  }

  /** The obvious implementation: a committed map and a staged one where null means deleted. */
  static final class Model {
    final TreeMap<byte[], byte[]> committed = new TreeMap<>(Arrays::compareUnsigned);
    final TreeMap<byte[], byte[]> staged = new TreeMap<>(Arrays::compareUnsigned);

    byte[] get(byte[] key) {
      return staged.containsKey(key) ? staged.get(key) : committed.get(key);
    }

    void commit() {
      TreeMap<byte[], byte[]> all = merged();
      committed.clear();
      committed.putAll(all);
      staged.clear();
    }

    TreeMap<byte[], byte[]> merged() {
      TreeMap<byte[], byte[]> all = new TreeMap<>(committed);
      staged.forEach((k, v) -> {
        if (v == null) {
          all.remove(k);
        } else {
          all.put(k, v);
        }
      });
      return all;
    }

    List<Entry> scan(TreeMap<byte[], byte[]> map, Scan s) {
      List<Entry> out = new ArrayList<>();
      if (Arrays.compareUnsigned(s.from(), s.to()) >= 0) {
        return out;
      }
      NavigableMap<byte[], byte[]> range = map.subMap(s.from(), true, s.to(), false);
      for (Map.Entry<byte[], byte[]> e : (s.descending() ? range.descendingMap() : range).entrySet()) {
        if (out.size() == s.limit()) {
          break;
        }
        out.add(new Entry(e.getKey(), e.getValue()));
      }
      return out;
    }
  }
}
