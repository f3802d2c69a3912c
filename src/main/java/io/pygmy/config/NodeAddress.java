package io.pygmy.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where one node lives: its unique name (also its Raft peer id), its tier, the host other nodes use to
 * reach it, and its ports. Frontends have no Raft port.
 */
public record NodeAddress(String name, Service service, String host, int httpPort, int raftPort) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  public NodeAddress {
    Objects.requireNonNull(service, "service");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("node name must match " + NAME + ", was '" + name + "'");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(name + ": host is required");
    }
    checkPort(name, "httpPort", httpPort);
    if (service.replicated()) {
      checkPort(name, "raftPort", raftPort);
    } else if (raftPort != 0) {
      throw new IllegalArgumentException(name + ": a frontend has no raftPort");
    }
  }

  /** For JSON config files, where a frontend simply has no {@code raftPort}. */
  @JsonCreator
  static NodeAddress fromJson(@JsonProperty("name") String name, @JsonProperty("service") Service service,
                              @JsonProperty("host") String host, @JsonProperty("httpPort") Integer httpPort,
                              @JsonProperty("raftPort") Integer raftPort) {
    if (httpPort == null) {
      throw new IllegalArgumentException(name + ": httpPort is required");
    }
    return new NodeAddress(name, service, host, httpPort, raftPort == null ? 0 : raftPort);
  }

  public String httpUrl() {
    return "http://" + hostForUrl() + ":" + httpPort;
  }

  public String raftAddress() {
    return hostForUrl() + ":" + raftPort;
  }

  private String hostForUrl() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static void checkPort(String name, String field, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + field + " must be in 1..65535, was " + port);
    }
  }
}
