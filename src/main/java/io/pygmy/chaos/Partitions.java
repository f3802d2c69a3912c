package io.pygmy.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Network partitions with Linux network namespaces: each node runs in its own namespace with its own
 * address on a private bridge; cutting a node's link (its veth taken down on the host side) isolates it
 * from every other node and from the clients, with packets silently dropped as in a real partition,
 * until the link is healed. Needs root and {@code ip netns}; {@link #probe} says why not otherwise, and
 * the run skips this fault with that message.
 */
final class Partitions {
  private static final long COMMAND_TIMEOUT_SECONDS = 10;

  private final String unavailableBecause;
  private final Map<String, String> addressOf = new LinkedHashMap<>();
  private final Map<String, String> namespaceOf = new LinkedHashMap<>();
  private final Map<String, String> linkOf = new LinkedHashMap<>();
  private String bridge;

  private Partitions(String unavailableBecause) {
    this.unavailableBecause = unavailableBecause;
  }

  /** Whether partitions can be made on this machine. */
  static Partitions probe() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return new Partitions("partitions need root (network namespaces); skipping the partition fault");
    }
    try {
      if (run(List.of("ip", "netns", "list")) != 0) {
        return new Partitions("`ip netns` does not work here; skipping the partition fault");
      }
    } catch (IOException e) {
      return new Partitions("`ip` is not available (" + e.getMessage() + "); skipping the partition fault");
    }
    return new Partitions(null);
  }

  String unavailableBecause() {
    return unavailableBecause;
  }

  boolean available() {
    return unavailableBecause == null;
  }

  /**
   * Creates a bridge and one namespace per node, and returns each node's address. {@code tag} (up to 5
   * characters) keeps interface names unique per run and within Linux's 15-character limit.
   */
  Map<String, String> setUp(List<String> nodes, String tag, int subnet) throws IOException {
    if (!available() || nodes.size() > 200 || subnet < 1 || subnet > 254 || tag.length() > 5) {
      throw new IllegalArgumentException("cannot set up " + nodes.size() + " namespaces on subnet " + subnet);
    }
    String prefix = "10.213." + subnet + ".";
    bridge = "pgy" + tag + "br";
    must("ip", "link", "add", bridge, "type", "bridge");
    must("ip", "addr", "add", prefix + "1/24", "dev", bridge);
    must("ip", "link", "set", bridge, "up");
    for (int i = 0; i < nodes.size(); i++) {
      String node = nodes.get(i);
      String ns = "pygmy-" + tag + "-" + node;
      String link = "pgy" + tag + "v" + i;
      String address = prefix + (10 + i);
      must("ip", "netns", "add", ns);
      namespaceOf.put(node, ns);
      must("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
      linkOf.put(node, link);
      must("ip", "link", "set", link, "master", bridge, "up");
      must("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", "eth0");
      must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
      must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      addressOf.put(node, address);
    }
    return Map.copyOf(addressOf);
  }

  /** The command a node is launched under: {@code ip netns exec NS} (which execs, keeping the pid). */
  List<String> launchPrefix(String node) {
    String ns = namespaceOf.get(node);
    return ns == null ? List.of() : List.of("ip", "netns", "exec", ns);
  }

  /** Cuts one node off for a few seconds (drawn from {@code rng}), then heals the link. */
  void isolate(String node, Random rng, LongPredicate waitOrStop, History history) {
    String link = linkOf.get(node);
    if (!available() || link == null) {
      history.event("partition-skipped", node, unavailableBecause);
      return;
    }
    long holdMillis = 2000 + rng.nextInt(4000);
    try {
      must("ip", "link", "set", link, "down");
      history.event("partition", node, "isolated from every node and client for " + holdMillis + " ms");
      waitOrStop.test(holdMillis);
      must("ip", "link", "set", link, "up");
      history.event("partition-healed", node, "");
    } catch (IOException e) {
      history.event("nemesis-error", node, "partition: " + e.getMessage());
    }
  }

  /** Brings every link back up. */
  void healAll(History history) {
    for (var e : linkOf.entrySet()) {
      try {
        must("ip", "link", "set", e.getValue(), "up");
      } catch (IOException ex) {
        history.event("nemesis-error", e.getKey(), "healing the link: " + ex.getMessage());
      }
    }
  }

  /** Deletes the namespaces (their veth ends go with them) and the bridge. Never throws. */
  void tearDown() {
    for (String ns : namespaceOf.values()) {
      quietly("ip", "netns", "del", ns);
    }
    for (String link : linkOf.values()) {
      quietly("ip", "link", "del", link);
    }
    if (bridge != null) {
      quietly("ip", "link", "del", bridge);
    }
    namespaceOf.clear();
    linkOf.clear();
  }

  private static void must(String... cmd) throws IOException {
    List<String> c = List.of(cmd);
    int rc = run(c);
    if (rc != 0) {
      throw new IOException(String.join(" ", c) + " exited with " + rc);
    }
  }

  private static void quietly(String... cmd) {
    try {
      run(List.of(cmd));
    } catch (IOException e) {
      // Best effort: a leftover is visible in `ip netns list` with our prefix.
    }
  }

  private static int run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0 && !cmd.contains("del")) {
        // Deleting what is already gone (a veth goes with its namespace) is expected; anything else is not.
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!output.isEmpty()) {
          System.err.println("pygmy chaos: " + String.join(" ", cmd) + ": " + output);
        }
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
