package io.pygmy.raft;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Where a replica fetches a peer's checkpoint from: the group's other replicas, by name. */
public interface CheckpointSource {
  /** The checkpoint stream of {@code peer}'s store (the node's internal HTTP route). */
  InputStream open(String peer) throws IOException;

  /** Every replica of the group but this one. */
  List<String> peers();

  /** For replicas that must never need one (tests of a single replica). */
  CheckpointSource NONE = new CheckpointSource() {
    @Override
    public InputStream open(String peer) throws IOException {
      throw new IOException("no checkpoint source configured");
    }

    @Override
    public List<String> peers() {
      return List.of();
    }
  };
}
