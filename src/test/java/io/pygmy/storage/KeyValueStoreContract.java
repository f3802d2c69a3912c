package io.pygmy.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pygmy.storage.KeyValues.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link KeyValueStore} promises; run against MemoryStore and RocksStore by subclasses. */
abstract class KeyValueStoreContract {
  @TempDir
  Path tmp;

  KeyValueStore store;

  abstract KeyValueStore open(Path dir);

  @BeforeEach
  void openStore() {
    store = open(tmp.resolve("kv"));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... v) {
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (byte) v[i];
    }
    return out;
  }

  static List<String> keys(List<Entry> entries) {
    return entries.stream().map(e -> new String(e.key(), StandardCharsets.UTF_8)).toList();
  }

  void put(String... keyValues) {
    StagedWrites w = store.stage();
    for (int i = 0; i < keyValues.length; i += 2) {
      w.put(b(keyValues[i]), b(keyValues[i + 1]));
    }
    store.commit(w);
  }

  @Test
  void getPutDelete() {
    assertThat(store.latest().get(b("a"))).isNull();
    put("a", "1", "b", "2");
    assertThat(store.latest().get(b("a"))).isEqualTo(b("1"));
    StagedWrites w = store.stage();
    w.put(b("a"), b("3"));
    w.delete(b("b"));
    w.delete(b("never"));
    store.commit(w);
    assertThat(store.latest().get(b("a"))).isEqualTo(b("3"));
    assertThat(store.latest().get(b("b"))).isNull();
    store.commit(store.stage()); // an empty batch is fine
    assertThat(store.latest().get(b("a"))).isEqualTo(b("3"));
  }

  @Test
  void emptyValuesAndEmptyKeyAreStored() {
    StagedWrites w = store.stage();
    w.put(new byte[0], b("root"));
    w.put(b("e"), new byte[0]);
    store.commit(w);
    assertThat(store.latest().get(new byte[0])).isEqualTo(b("root"));
    assertThat(store.latest().get(b("e"))).isEmpty();
    assertThat(keys(store.latest().scan(new byte[0], b("z"), 10))).containsExactly("", "e");
  }

  @Test
  void scansAscendingAndDescendingWithinBoundsAndLimits() {
    put("a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
    KeyValues kv = store.latest();
    assertThat(keys(kv.scan(b("b"), b("e"), 10))).containsExactly("b", "c", "d");
    assertThat(keys(kv.scan(b("b"), b("e"), 2))).containsExactly("b", "c");
    assertThat(keys(kv.scan(b("b"), b("e"), 10, true))).containsExactly("d", "c", "b");
    assertThat(keys(kv.scan(b("b"), b("e"), 2, true))).containsExactly("d", "c");
    assertThat(keys(kv.scan(b("bb"), b("dd"), 10, true))).containsExactly("d", "c");
    assertThat(keys(kv.scan(b("a"), b("z"), 0))).isEmpty();
    assertThat(keys(kv.scan(b("c"), b("c"), 10))).isEmpty();
    assertThat(keys(kv.scan(b("d"), b("b"), 10, true))).isEmpty();
    assertThat(keys(kv.scan(b("f"), b("z"), 10, true))).isEmpty();
    assertThat(kv.scan(b("c"), b("d"), 10).get(0).value()).isEqualTo(b("3"));
  }

  @Test
  void keysCompareAsUnsignedBytes() {
    StagedWrites w = store.stage();
    for (int x : new int[] {0x80, 0x00, 0xff, 0x7f, 0x01}) {
      w.put(bytes(x), bytes(x));
    }
    w.put(bytes(0x7f, 0x00), bytes(1));
    store.commit(w);
    List<Entry> up = store.latest().scan(new byte[0], bytes(0xff, 0xff), 10);
    assertThat(up).extracting(Entry::key)
        .containsExactly(bytes(0x00), bytes(0x01), bytes(0x7f), bytes(0x7f, 0x00), bytes(0x80), bytes(0xff));
    List<Entry> down = store.latest().scan(bytes(0x7f), bytes(0xff), 10, true);
    assertThat(down).extracting(Entry::key).containsExactly(bytes(0x80), bytes(0x7f, 0x00), bytes(0x7f));
  }

  @Test
  void aDroppedBatchChangesNothing() {
    put("a", "1");
    StagedWrites w = store.stage();
    w.put(b("a"), b("2"));
    w.put(b("b"), b("2"));
    w.delete(b("a"));
    assertThat(w.get(b("b"))).isEqualTo(b("2"));
    w.clear();
    store.commit(w);
    StagedWrites dropped = store.stage();
    dropped.put(b("c"), b("3"));
    // never committed
    assertThat(store.latest().get(b("a"))).isEqualTo(b("1"));
    assertThat(store.latest().get(b("b"))).isNull();
    assertThat(store.latest().get(b("c"))).isNull();
  }

  @Test
  void stagedWritesReadTheirOwnWrites() {
    put("a", "1", "b", "2");
    StagedWrites w = store.stage();
    w.put(b("a"), b("new"));
    w.delete(b("b"));
    w.put(b("c"), b("3"));
    assertThat(w.get(b("a"))).isEqualTo(b("new"));
    assertThat(w.get(b("b"))).isNull();
    assertThat(w.get(b("c"))).isEqualTo(b("3"));
    assertThat(store.latest().get(b("a"))).isEqualTo(b("1"));
    w.delete(b("c"));
    assertThat(w.get(b("c"))).isNull();
    w.put(b("b"), b("back"));
    assertThat(w.get(b("b"))).isEqualTo(b("back"));
    assertThat(w.size()).isEqualTo(3);
  }

  @Test
  void stagedScansMergePutsAndDeletesInBothDirections() {
    put("b", "1", "d", "1", "f", "1", "h", "1");
    StagedWrites w = store.stage();
    w.delete(b("d")); // shadows a committed key
    w.put(b("f"), b("2")); // replaces one
    w.put(b("a"), b("2")); // before every committed key
    w.put(b("e"), b("2")); // between
    w.put(b("z"), b("2")); // after every one
    w.delete(b("q")); // deletes nothing
    assertThat(keys(w.scan(b("a"), b("zz"), 100))).containsExactly("a", "b", "e", "f", "h", "z");
    assertThat(keys(w.scan(b("a"), b("zz"), 100, true))).containsExactly("z", "h", "f", "e", "b", "a");
    assertThat(keys(w.scan(b("a"), b("zz"), 3))).containsExactly("a", "b", "e");
    assertThat(keys(w.scan(b("a"), b("zz"), 3, true))).containsExactly("z", "h", "f");
    assertThat(keys(w.scan(b("c"), b("g"), 100, true))).containsExactly("f", "e");
    assertThat(w.scan(b("f"), b("g"), 1).get(0).value()).isEqualTo(b("2"));
    // every committed key in range deleted: the base has more than the limit, the batch hides them all
    StagedWrites gone = store.stage();
    for (String k : List.of("b", "d", "f")) {
      gone.delete(b(k));
    }
    assertThat(keys(gone.scan(b("a"), b("z"), 1))).containsExactly("h");
    assertThat(keys(gone.scan(b("a"), b("z"), 1, true))).containsExactly("h");
    assertThat(keys(gone.scan(b("a"), b("g"), 5, true))).isEmpty();
    store.commit(w);
    assertThat(keys(store.latest().scan(b("a"), b("zz"), 100))).containsExactly("a", "b", "e", "f", "h", "z");
  }

  @Test
  void viewsArePointInTime() {
    put("a", "1", "b", "1");
    try (ReadView view = store.view()) {
      StagedWrites w = store.stage();
      w.put(b("a"), b("2"));
      w.delete(b("b"));
      w.put(b("c"), b("2"));
      store.commit(w);
      assertThat(view.get(b("a"))).isEqualTo(b("1"));
      assertThat(view.get(b("b"))).isEqualTo(b("1"));
      assertThat(view.get(b("c"))).isNull();
      assertThat(keys(view.scan(b("a"), b("z"), 10))).containsExactly("a", "b");
      assertThat(keys(view.scan(b("a"), b("z"), 10, true))).containsExactly("b", "a");
      assertThat(keys(store.latest().scan(b("a"), b("z"), 10))).containsExactly("a", "c");
    }
    try (ReadView after = store.view()) {
      assertThat(after.get(b("a"))).isEqualTo(b("2"));
    }
  }

  @Test
  void aClosedViewThrows() {
    put("a", "1");
    ReadView view = store.view();
    view.close();
    view.close(); // twice is fine
    assertThatThrownBy(() -> view.get(b("a"))).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> view.scan(b("a"), b("z"), 1)).isInstanceOf(StorageException.class);
  }

  @Test
  void aClosedStoreThrows() {
    put("a", "1");
    ReadView view = store.view();
    StagedWrites w = store.stage();
    w.put(b("b"), b("2"));
    store.close();
    store.close(); // idempotent
    assertThatThrownBy(() -> store.commit(w)).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.latest().get(b("a"))).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.latest().scan(b("a"), b("z"), 5)).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> w.get(b("a"))).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.view()).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> store.sync()).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> view.get(b("a"))).isInstanceOf(StorageException.class);
    view.close(); // after the store: a no-op
  }

  @Test
  void valuesReturnedAreCopies() {
    put("a", "1");
    store.latest().get(b("a"))[0] = 'X';
    assertThat(store.latest().get(b("a"))).isEqualTo(b("1"));
    StagedWrites w = store.stage();
    byte[] v = b("2");
    w.put(b("a"), v);
    v[0] = 'Y';
    w.get(b("a"))[0] = 'Z';
    assertThat(w.get(b("a"))).isEqualTo(b("2"));
  }
}
