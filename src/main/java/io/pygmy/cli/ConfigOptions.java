package io.pygmy.cli;

import io.pygmy.config.ClusterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares: which config, which data directory, and setting overrides. */
public final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Cluster config (JSON). Default: PYGMY_CONFIG, else DIR/cluster.json when present, else the bundled one.")
  Path config;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:PYGMY_DATA:-data}",
      description = "Data directory of the cluster (default: ${DEFAULT-VALUE}).")
  public Path data;

  @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Override a setting, e.g. --set cacheEnabled=false.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** The config file in effect: --config, PYGMY_CONFIG, the copy `up` keeps in the data directory, or none. */
  public Path configFile() {
    if (config != null) {
      return config;
    }
    if (System.getenv("PYGMY_CONFIG") != null) {
      return Path.of(System.getenv("PYGMY_CONFIG"));
    }
    Path kept = data.resolve("cluster.json");
    return kept.toFile().isFile() ? kept : null;
  }

  public ClusterConfig load() {
    return ClusterConfig.load(configFile(), System.getenv(), overrides);
  }

  public Map<String, String> overrides() {
    return overrides;
  }

  public Path adminTokenFile() {
    return data.resolve("admin-token");
  }
}
