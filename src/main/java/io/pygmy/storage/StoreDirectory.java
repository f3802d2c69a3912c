package io.pygmy.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces a store's live directory with a verified checkpoint, crash-safely. With the live directory
 * {@code P/kv}, the names in {@code P} and what {@link #recover} makes of them after a crash:
 *
 * <pre>
 *   kv   kv.old  kv.incoming  state                                        recover
 *   yes  -       -            steady                                       nothing
 *   yes  -       yes          downloaded, not installed (or not begun)     deletes kv.incoming
 *   -    yes     yes          between the two renames of {@link #install}  rolls back: kv.old -> kv
 *   -    yes     -            (same, incoming lost)                        rolls back: kv.old -> kv
 *   yes  yes     any          swapped, kv.old not deleted yet              deletes kv.old (and kv.incoming)
 *   -    -       yes          first install on an empty node, unfinished   deletes kv.incoming
 * </pre>
 *
 * Rolling back is safe: the old store still matches the old Raft snapshot, and the leader sends the
 * checkpoint again. Deleting goes through a rename to {@code *.trash}, so a half-deleted directory never
 * keeps a name that means something; {@code kv.*.trash}, {@code kv.*.part} (a download
 * {@link CheckpointArchive#read} did not finish) and {@code kv.*.tmp} are always deleted.
 * Every rename is followed by an fsync of {@code P}, so the steps reach the disk in order.
 */
public final class StoreDirectory {
  /** What {@link #recover} found. */
  public enum Recovery {
    CLEAN, DISCARDED_INCOMING, ROLLED_BACK, FINISHED_SWAP
  }

  private StoreDirectory() {}

  /** Where a checkpoint to install into {@code live} is downloaded ({@link CheckpointArchive#read}). */
  public static Path incomingOf(Path live) {
    return sibling(live, ".incoming");
  }

  static Path oldOf(Path live) {
    return sibling(live, ".old");
  }

  /**
   * Makes the complete, verified checkpoint {@code incoming} the live store, the previous live one
   * deleted. The store in {@code live} must be closed. {@code incoming} must be on the same file system;
   * when it is not {@link #incomingOf}(live) it is first renamed there.
   */
  public static void install(Path live, Path incoming) {
    live = live.toAbsolutePath();
    incoming = incoming.toAbsolutePath();
    Path parent = live.getParent();
    Path staged = incomingOf(live);
    Path old = oldOf(live);
    try {
      if (!Files.isDirectory(incoming, LinkOption.NOFOLLOW_LINKS)) {
        throw new StorageException("no checkpoint directory at " + incoming);
      }
      if (!incoming.equals(staged)) {
        discard(staged);
        rename(incoming, staged);
      }
      discard(old); // left by an earlier swap that recover() did not see
      if (exists(live)) {
        rename(live, old);
      }
      rename(staged, live);
      discard(old);
      Fsync.directory(parent);
    } catch (IOException e) {
      throw new StorageException("installing " + incoming + " as " + live + " failed: " + e.getMessage(), e);
    }
  }

  /** Call before opening the store in {@code live}: finishes or rolls back an interrupted swap. */
  public static Recovery recover(Path live) {
    live = live.toAbsolutePath();
    Path staged = incomingOf(live);
    Path old = oldOf(live);
    try {
      removeUnfinished(live.getParent(), live.getFileName() + ".");
      Recovery what = Recovery.CLEAN;
      if (exists(old)) {
        if (exists(live)) {
          discard(old);
          what = Recovery.FINISHED_SWAP;
        } else {
          rename(old, live);
          what = Recovery.ROLLED_BACK;
        }
      }
      if (exists(staged)) {
        discard(staged);
        what = what == Recovery.CLEAN ? Recovery.DISCARDED_INCOMING : what;
      }
      return what;
    } catch (IOException e) {
      throw new StorageException("recovering " + live + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes what a crash left half-written in {@code dir}: {@code *.tmp} (RocksDB checkpoint staging),
   * {@code *.part} (an unfinished {@link CheckpointArchive#read}) and {@code *.trash}. Only for a
   * directory that holds checkpoints and stores alone: it does not know whose files those are.
   */
  public static List<Path> removeUnfinished(Path dir) {
    try {
      return removeUnfinished(dir, "");
    } catch (IOException e) {
      throw new StorageException("cleaning " + dir + " failed: " + e.getMessage(), e);
    }
  }

  private static List<Path> removeUnfinished(Path dir, String prefix) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    List<Path> doomed = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.startsWith(prefix)
            && (name.endsWith(".tmp") || name.endsWith(".part") || name.endsWith(".trash"))) {
          doomed.add(p);
        }
      }
    }
    for (Path p : doomed) {
      Fsync.deleteTree(p); // already a name nobody takes for a good directory: no trash step needed
      removed.add(p);
    }
    if (!removed.isEmpty()) {
      Fsync.directory(dir);
    }
    return removed;
  }

  /** Renames {@code dir} to a trash name first, so a crash mid-delete leaves nothing that looks valid. */
  private static void discard(Path dir) throws IOException {
    if (!exists(dir)) {
      return;
    }
    Path trash = sibling(dir, ".trash");
    Fsync.deleteTree(trash);
    rename(dir, trash);
    Fsync.deleteTree(trash);
  }

  private static void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(to.getParent());
    if (!from.getParent().equals(to.getParent())) {
      Fsync.directory(from.getParent());
    }
  }

  private static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  private static Path sibling(Path p, String suffix) {
    return p.resolveSibling(p.getFileName() + suffix);
  }
}
