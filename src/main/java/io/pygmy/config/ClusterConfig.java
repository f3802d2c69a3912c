package io.pygmy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole deployment in one value: every node's address and every setting. Loaded from one JSON file
 * (the bundled {@code cluster.json} by default: 3 catalog, 3 order and 1 frontend node on 127.0.0.1),
 * then overridden by environment variables and flags. Every node and every client command reads the
 * same file, so nothing in the code knows an address.
 *
 * @param bindHost the address servers listen on; null means each node's own {@code host}
 */
public record ClusterConfig(List<NodeAddress> nodes, Settings settings, String bindHost) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterConfig.class);
  public static final String DEFAULT_RESOURCE = "/cluster.json";

  public ClusterConfig {
    nodes = List.copyOf(nodes);
    Objects.requireNonNull(settings, "settings");
    Set<String> names = new HashSet<>();
    Set<String> endpoints = new HashSet<>();
    for (NodeAddress n : nodes) {
      if (!names.add(n.name())) {
        throw new IllegalArgumentException("duplicate node name " + n.name());
      }
      if (!endpoints.add(n.host() + ":" + n.httpPort())
          || (n.service().replicated() && !endpoints.add(n.host() + ":" + n.raftPort()))) {
        throw new IllegalArgumentException("node " + n.name() + " reuses a host:port of another node");
      }
    }
    for (Service s : Service.values()) {
      if (nodes.stream().noneMatch(n -> n.service() == s)) {
        throw new IllegalArgumentException("the config has no " + s.id() + " node");
      }
    }
  }

  public List<NodeAddress> nodes(Service service) {
    return nodes.stream().filter(n -> n.service() == service).toList();
  }

  public NodeAddress node(String name) {
    return nodes.stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node named '" + name + "' in the config; known: "
            + nodes.stream().map(NodeAddress::name).toList()));
  }

  /** The node of a service with the given 1-based index in config order, as in {@code --id 2}. */
  public NodeAddress node(Service service, int id) {
    List<NodeAddress> list = nodes(service);
    if (id < 1 || id > list.size()) {
      throw new IllegalArgumentException("--id must be in 1.." + list.size() + " for " + service.id());
    }
    return list.get(id - 1);
  }

  public String bindHostFor(NodeAddress node) {
    return bindHost != null ? bindHost : node.host();
  }

  public ClusterConfig withSettings(Settings newSettings) {
    return new ClusterConfig(nodes, newSettings.validate(), bindHost);
  }

  /**
   * Loads the config: {@code file} (or {@code PYGMY_CONFIG}, or the bundled default), then
   * {@code PYGMY_NODES}, {@code PYGMY_BIND_HOST} and {@code PYGMY_<SETTING>} from {@code env}, then the
   * {@code name=value} overrides.
   */
  public static ClusterConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
    Path chosen = file != null ? file : env.containsKey("PYGMY_CONFIG") ? Path.of(env.get("PYGMY_CONFIG")) : null;
    JsonNode root = chosen != null ? readFile(chosen) : readDefault();
    return fromJson(root, env, overrides);
  }

  public static ClusterConfig defaults() {
    return fromJson(readDefault(), Map.of(), Map.of());
  }

  static ClusterConfig fromJson(JsonNode root, Map<String, String> env, Map<String, String> overrides) {
    List<NodeAddress> nodes = new ArrayList<>();
    if (env.containsKey("PYGMY_NODES")) {
      nodes.addAll(parseNodes(env.get("PYGMY_NODES")));
    } else {
      for (JsonNode n : root.path("nodes")) {
        nodes.add(Json.MAPPER.convertValue(n, NodeAddress.class));
      }
    }
    ObjectNode settings = Json.MAPPER.valueToTree(Settings.defaults());
    JsonNode fromFile = root.path("settings");
    fromFile.fieldNames().forEachRemaining(name -> {
      if (Settings.RETIRED.contains(name)) {
        LOG.warn("setting '{}' in the config file is no longer used and is ignored", name);
        return;
      }
      requireSetting(settings, name, "config file");
      settings.set(name, fromFile.get(name));
    });
    env.forEach((key, value) -> {
      if (key.startsWith("PYGMY_")) {
        String name = camelCase(key.substring("PYGMY_".length()));
        if (settings.has(name)) {
          settings.put(name, value);
        }
      }
    });
    overrides.forEach((name, value) -> {
      requireSetting(settings, name, "--set");
      settings.put(name, value);
    });
    Settings parsed;
    try {
      parsed = Json.MAPPER.treeToValue(settings, Settings.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("bad setting value: " + e.getMessage(), e);
    }
    String bindHost = env.getOrDefault("PYGMY_BIND_HOST", root.path("bindHost").asText(null));
    return new ClusterConfig(nodes, parsed.validate(), bindHost);
  }

  /** {@code catalog-1@10.0.0.1:9101:9201,frontend-1@10.0.0.9:8080}; the service is the name's prefix. */
  static List<NodeAddress> parseNodes(String text) {
    List<NodeAddress> nodes = new ArrayList<>();
    for (String entry : text.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int at = e.indexOf('@');
      if (at < 0) {
        throw new IllegalArgumentException("PYGMY_NODES entry '" + e + "' is not name@host:httpPort[:raftPort]");
      }
      String name = e.substring(0, at);
      String[] parts = e.substring(at + 1).split(":");
      if (parts.length < 2 || parts.length > 3) {
        throw new IllegalArgumentException("PYGMY_NODES entry '" + e + "' is not name@host:httpPort[:raftPort]");
      }
      Service service = Service.parse(name.replaceAll("-[^-]*$", ""));
      int raftPort = parts.length == 3 ? Integer.parseInt(parts[2]) : 0;
      nodes.add(new NodeAddress(name, service, parts[0], Integer.parseInt(parts[1]), raftPort));
    }
    return nodes;
  }

  private static void requireSetting(ObjectNode settings, String name, String source) {
    if (!settings.has(name)) {
      throw new IllegalArgumentException("unknown setting '" + name + "' in " + source);
    }
  }

  static String camelCase(String upperSnake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : upperSnake.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  private static JsonNode readFile(Path file) {
    try {
      return Json.MAPPER.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config " + file + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode readDefault() {
    try (InputStream in = ClusterConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      return Json.MAPPER.readTree(Objects.requireNonNull(in, "bundled cluster.json is missing"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
