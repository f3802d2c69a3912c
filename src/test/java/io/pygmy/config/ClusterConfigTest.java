package io.pygmy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pygmy.cluster.LocalCluster;
import io.pygmy.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading the deployment: bundled defaults, a file, environment variables and --set flags. */
class ClusterConfigTest {
  static final String THREE_TIERS = """
      {"nodes": [
        {"name": "catalog-1", "service": "catalog", "host": "10.0.0.1", "httpPort": 9101, "raftPort": 9201},
        {"name": "order-1", "service": "order", "host": "10.0.0.2", "httpPort": 9301, "raftPort": 9401},
        {"name": "frontend-1", "service": "frontend", "host": "10.0.0.3", "httpPort": 8080}
      ], "settings": %s %s}
      """;

  @TempDir
  Path dir;

  Path file(String json) throws IOException {
    Path p = dir.resolve("cluster.json");
    Files.writeString(p, json);
    return p;
  }

  Path fileWithSettings(String settingsJson) throws IOException {
    return file(THREE_TIERS.formatted(settingsJson, ""));
  }

  static ClusterConfig load(Map<String, String> env, Map<String, String> overrides) {
    return ClusterConfig.load(null, env, overrides);
  }

  /** The message of the exception, or of its causes, so wrapped Jackson errors are checked too. */
  static void failsNaming(ThrowingCallable call, String... fragments) {
    assertThatThrownBy(call).isInstanceOf(RuntimeException.class).satisfies(e -> {
      StringBuilder all = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        all.append(t.getMessage()).append('\n');
      }
      for (String f : fragments) {
        assertThat(all.toString()).contains(f);
      }
    });
  }

  // ------------------------------------------------------------------ defaults

  @Nested
  class Defaults {
    @Test
    void theBundledConfigHasThreeCatalogThreeOrderAndOneFrontendNode() {
      ClusterConfig c = ClusterConfig.defaults();
      assertThat(c.nodes()).hasSize(7);
      assertThat(c.nodes(Service.CATALOG)).extracting(NodeAddress::name)
          .containsExactly("catalog-1", "catalog-2", "catalog-3");
      assertThat(c.nodes(Service.ORDER)).extracting(NodeAddress::name).containsExactly("order-1", "order-2", "order-3");
      assertThat(c.nodes(Service.FRONTEND)).extracting(NodeAddress::name).containsExactly("frontend-1");
    }

    @Test
    void theBundledConfigUsesTheDefaultSettingsAndNoBindHost() {
      ClusterConfig c = ClusterConfig.defaults();
      assertThat(c.settings()).isEqualTo(Settings.defaults());
      assertThat(c.bindHost()).isNull();
    }

    @Test
    void theBundledFrontendHasNoRaftPort() {
      NodeAddress f = ClusterConfig.defaults().node("frontend-1");
      assertThat(f.raftPort()).isZero();
      assertThat(f.httpPort()).isEqualTo(8080);
    }

    @Test
    void loadingWithNothingGivenIsTheDefaults() {
      assertThat(load(Map.of(), Map.of())).isEqualTo(ClusterConfig.defaults());
    }

    @Test
    void theDefaultSettingsAreValid() {
      assertThat(Settings.defaults().validate()).isEqualTo(Settings.defaults());
    }

    @Test
    void theDefaultKeyRetentionIsADayAndShorterIsAllowedDownToASecond() {
      assertThat(Settings.defaults().keyRetentionMillis()).isEqualTo(24L * 60 * 60 * 1000);
      assertThat(Settings.defaults().with("keyRetentionMillis", 1000).keyRetentionMillis()).isEqualTo(1000);
      assertThatThrownBy(() -> Settings.defaults().with("keyRetentionMillis", 999))
          .hasMessageContaining("keyRetentionMillis");
    }

    @Test
    void settingsOfEarlierReleasesInAConfigFileAreIgnoredSoTheirDataDirectoriesStillStart() throws IOException {
      Path f = fileWithSettings("{\"maxReservations\": 250000, \"rememberedUpdateKeys\": 5, \"maxBooks\": 7}");
      assertThat(ClusterConfig.load(f, Map.of(), Map.of()).settings().maxBooks()).isEqualTo(7);
      failsNaming(() -> ClusterConfig.load(fileWithSettings("{\"maxReservationz\": 1}"), Map.of(), Map.of()),
          "maxReservationz");
    }

    @Test
    void theDefaultPageIsWithinTheMaximumPage() {
      assertThatThrownBy(() -> Settings.defaults().with("defaultPageSize", 1001)).hasMessageContaining("defaultPageSize");
      assertThatThrownBy(() -> Settings.defaults().with("maxPageSize", 1001)).hasMessageContaining("maxPageSize");
    }
  }

  // ------------------------------------------------------------------ precedence of sources

  @Nested
  class Overrides {
    @Test
    void anEnvironmentVariableOverridesASetting() {
      ClusterConfig c = load(Map.of("PYGMY_CACHE_LEASE_MILLIS", "3000"), Map.of());
      assertThat(c.settings().cacheLeaseMillis()).isEqualTo(3000);
    }

    @Test
    void environmentVariablesOverrideBooleanAndLongSettings() {
      ClusterConfig c = load(Map.of("PYGMY_CACHE_ENABLED", "false", "PYGMY_MAX_STOCK", "5000000000",
          "PYGMY_INVALIDATION_MAX_KEYS_PER_BATCH", "64"), Map.of());
      assertThat(c.settings().cacheEnabled()).isFalse();
      assertThat(c.settings().maxStock()).isEqualTo(5_000_000_000L);
      assertThat(c.settings().invalidationMaxKeysPerBatch()).isEqualTo(64);
    }

    @Test
    void unrelatedEnvironmentVariablesAreIgnored() {
      ClusterConfig c = load(Map.of("CACHE_LEASE_MILLIS", "3000", "PYGMY_NOT_A_SETTING", "1", "PATH", "/bin"),
          Map.of());
      assertThat(c.settings()).isEqualTo(Settings.defaults());
    }

    @Test
    void aSetFlagOverridesASetting() {
      assertThat(load(Map.of(), Map.of("readAttempts", "5")).settings().readAttempts()).isEqualTo(5);
    }

    @Test
    void aSetFlagBeatsTheEnvironment() {
      ClusterConfig c = load(Map.of("PYGMY_READ_ATTEMPTS", "4"), Map.of("readAttempts", "5"));
      assertThat(c.settings().readAttempts()).isEqualTo(5);
    }

    @Test
    void theEnvironmentBeatsTheFile() throws IOException {
      Path f = fileWithSettings("{\"readAttempts\": 2}");
      ClusterConfig c = ClusterConfig.load(f, Map.of("PYGMY_READ_ATTEMPTS", "4"), Map.of());
      assertThat(c.settings().readAttempts()).isEqualTo(4);
    }

    @Test
    void theFileBeatsTheDefaults() throws IOException {
      Path f = fileWithSettings("{\"readAttempts\": 2, \"cacheEnabled\": false}");
      ClusterConfig c = ClusterConfig.load(f, Map.of(), Map.of());
      assertThat(c.settings().readAttempts()).isEqualTo(2);
      assertThat(c.settings().cacheEnabled()).isFalse();
      assertThat(c.settings().buyAttempts()).isEqualTo(Settings.defaults().buyAttempts());
    }

    @Test
    void anUnknownSetFlagIsRefusedByName() {
      failsNaming(() -> load(Map.of(), Map.of("readAtempts", "5")), "readAtempts", "--set");
    }

    @Test
    void anUnknownSettingInTheFileIsRefusedByName() throws IOException {
      Path f = fileWithSettings("{\"cacheLeaseMilis\": 2}");
      failsNaming(() -> ClusterConfig.load(f, Map.of(), Map.of()), "cacheLeaseMilis", "config file");
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingTheSetting() {
      failsNaming(() -> load(Map.of(), Map.of("readAttempts", "many")), "readAttempts");
    }

    @Test
    void theConfigFileMayComeFromTheEnvironment() throws IOException {
      Path f = fileWithSettings("{\"readAttempts\": 2}");
      ClusterConfig c = load(Map.of("PYGMY_CONFIG", f.toString()), Map.of());
      assertThat(c.nodes()).extracting(NodeAddress::name).containsExactly("catalog-1", "order-1", "frontend-1");
      assertThat(c.settings().readAttempts()).isEqualTo(2);
    }

    @Test
    void anExplicitFileBeatsTheEnvironmentsFile() throws IOException {
      Path explicit = fileWithSettings("{\"readAttempts\": 2}");
      ClusterConfig c = ClusterConfig.load(explicit, Map.of("PYGMY_CONFIG", dir.resolve("absent.json").toString()),
          Map.of());
      assertThat(c.settings().readAttempts()).isEqualTo(2);
    }

    @Test
    void anUnreadableFileIsReportedWithItsPath() {
      Path missing = dir.resolve("absent.json");
      assertThatThrownBy(() -> ClusterConfig.load(missing, Map.of(), Map.of()))
          .isInstanceOf(UncheckedIOException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void theBindHostComesFromTheFileOrTheEnvironment() throws IOException {
      Path f = file(THREE_TIERS.formatted("{}", ", \"bindHost\": \"0.0.0.0\""));
      assertThat(ClusterConfig.load(f, Map.of(), Map.of()).bindHost()).isEqualTo("0.0.0.0");
      assertThat(ClusterConfig.load(f, Map.of("PYGMY_BIND_HOST", "::"), Map.of()).bindHost()).isEqualTo("::");
    }

    @Test
    void eachNodeBindsToItsOwnHostUnlessABindHostIsSet() {
      ClusterConfig plain = ClusterConfig.defaults();
      NodeAddress c1 = plain.node("catalog-1");
      assertThat(plain.bindHostFor(c1)).isEqualTo("127.0.0.1");
      ClusterConfig bound = load(Map.of("PYGMY_BIND_HOST", "0.0.0.0"), Map.of());
      assertThat(bound.bindHostFor(c1)).isEqualTo("0.0.0.0");
    }

    @Test
    void withSettingsValidatesTheNewSettings() {
      Settings bad = defaultsWith("readAttempts", 0);
      failsNaming(() -> ClusterConfig.defaults().withSettings(bad), "readAttempts");
    }
  }

  // ------------------------------------------------------------------ validation

  @Nested
  class Validation {
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "heartbeatIntervalMillis, 0",
        "cacheLeaseMillis, -1",
        "cacheLeaseSafetyPercent, 5",
        "cacheLeaseSafetyPercent, 96",
        "cacheMaxEntries, 0",
        "invalidationTimeoutMillis, 0",
        "invalidationMaxKeysPerBatch, 0",
        "backendTimeoutMillis, 0",
        "readAttempts, 0",
        "readAttempts, 17",
        "buyAttempts, 0",
        "retryBackoffMillis, -1",
        "raftWriteTimeoutMillis, 0",
        "raftReadTimeoutMillis, 0",
        "electionTimeoutMinMillis, 0",
        "leaderProbeIntervalMillis, -1",
        "leaderProbeIntervalMillis, 500",
        "snapshotEveryEntries, 99",
        "raftPendingRequestsLimit, 0",
        "maxQuantityPerOrder, 0",
        "maxBooks, 0",
        "maxKeyLength, 15",
        "maxKeyLength, 1025",
        "rememberedUpdateKeys, 0",
        "maxReservations, 0",
        "maxRequestBytes, 255",
        "maxConcurrentBuys, 0",
        "maxRecentOrders, 0",
        "reconcileIntervalMillis, 0",
        "reconcileBatchSize, 0",
    })
    void anImpossibleValueIsRefusedNamingTheSetting(String name, String value) {
      failsNaming(() -> load(Map.of(), Map.of(name, value)), name);
    }

    @Test
    void anElectionTimeoutRangeMustNotBeEmpty() {
      failsNaming(() -> load(Map.of(), Map.of("electionTimeoutMinMillis", "1000", "electionTimeoutMaxMillis", "1000")),
          "electionTimeoutMaxMillis", "electionTimeoutMinMillis");
    }

    @Test
    void maxStockAndMaxCostMustBePositive() {
      failsNaming(() -> load(Map.of(), Map.of("maxStock", "0")), "maxStock");
      failsNaming(() -> load(Map.of(), Map.of("maxCost", "0")), "maxCost");
    }

    @Test
    void aLeaseTooShortForItsRenewalsIsRefused() {
      // Renewals every min(heartbeat, lease/3) = 100 ms; two of them (200 ms) outlast 50% of 300 ms.
      failsNaming(() -> load(Map.of(), Map.of("cacheLeaseMillis", "300", "heartbeatIntervalMillis", "100",
          "cacheLeaseSafetyPercent", "50")), "cacheLeaseMillis");
    }

    @Test
    void aLeaseLongEnoughForItsRenewalsIsAccepted() {
      ClusterConfig c = load(Map.of(), Map.of("cacheLeaseMillis", "300", "heartbeatIntervalMillis", "100"));
      assertThat(c.settings().cacheRenewIntervalMillis()).isEqualTo(100);
    }

    @Test
    void renewalsRunAtLeastThreeTimesPerLease() {
      Settings s = load(Map.of(), Map.of("cacheLeaseMillis", "900", "heartbeatIntervalMillis", "5000")).settings();
      assertThat(s.cacheRenewIntervalMillis()).isEqualTo(300);
    }

    @Test
    void boundaryValuesAreAccepted() {
      ClusterConfig c = load(Map.of(), Map.of("readAttempts", "16", "maxKeyLength", "16", "cacheLeaseSafetyPercent",
          "95", "retryBackoffMillis", "0", "snapshotEveryEntries", "100", "maxRequestBytes", "256"));
      assertThat(c.settings().readAttempts()).isEqualTo(16);
      assertThat(c.settings().maxKeyLength()).isEqualTo(16);
    }

    @Test
    void anEnvironmentValueIsValidatedToo() {
      failsNaming(() -> load(Map.of("PYGMY_READ_ATTEMPTS", "0"), Map.of()), "readAttempts");
    }
  }

  // ------------------------------------------------------------------ nodes

  @Nested
  class Nodes {
    @Test
    void pygmyNodesReplacesTheFilesNodes() {
      ClusterConfig c = load(Map.of("PYGMY_NODES",
          "catalog-1@10.0.0.1:9101:9201,order-1@10.0.0.2:9301:9401,frontend-1@10.0.0.9:8080"), Map.of());
      assertThat(c.nodes()).containsExactly(
          new NodeAddress("catalog-1", Service.CATALOG, "10.0.0.1", 9101, 9201),
          new NodeAddress("order-1", Service.ORDER, "10.0.0.2", 9301, 9401),
          new NodeAddress("frontend-1", Service.FRONTEND, "10.0.0.9", 8080, 0));
      assertThat(c.settings()).isEqualTo(Settings.defaults());
    }

    @Test
    void pygmyNodesToleratesSpacesAndEmptyEntries() {
      assertThat(ClusterConfig.parseNodes(" catalog-1@h:1:2 , ,frontend-2@h:3 ,")).containsExactly(
          new NodeAddress("catalog-1", Service.CATALOG, "h", 1, 2),
          new NodeAddress("frontend-2", Service.FRONTEND, "h", 3, 0));
    }

    @Test
    void theServiceIsTheNamesPrefix() {
      assertThat(ClusterConfig.parseNodes("order-12@h:1:2").get(0).service()).isEqualTo(Service.ORDER);
      assertThat(ClusterConfig.parseNodes("catalog@h:1:2").get(0).service()).isEqualTo(Service.CATALOG);
    }

    @Test
    void anEntryWithoutAnAtSignIsRefused() {
      failsNaming(() -> ClusterConfig.parseNodes("catalog-1:10.0.0.1:9101:9201"), "catalog-1:10.0.0.1:9101:9201");
    }

    @Test
    void anEntryWithTooFewOrTooManyPartsIsRefused() {
      failsNaming(() -> ClusterConfig.parseNodes("catalog-1@10.0.0.1"), "catalog-1@10.0.0.1");
      failsNaming(() -> ClusterConfig.parseNodes("catalog-1@h:1:2:3"), "catalog-1@h:1:2:3");
    }

    @Test
    void anEntryForAnUnknownServiceIsRefused() {
      failsNaming(() -> ClusterConfig.parseNodes("cache-1@h:1:2"), "cache");
    }

    @Test
    void aFrontendWithARaftPortIsRefused() {
      failsNaming(() -> ClusterConfig.parseNodes("frontend-1@h:8080:9000"), "frontend-1", "raftPort");
    }

    @Test
    void aReplicatedNodeWithoutARaftPortIsRefused() {
      failsNaming(() -> ClusterConfig.parseNodes("catalog-1@h:9101"), "catalog-1", "raftPort");
    }

    @Test
    void aConfigMissingATierIsRefused() {
      failsNaming(() -> load(Map.of("PYGMY_NODES", "catalog-1@h:1:2,frontend-1@h:3"), Map.of()), "order");
    }

    @Test
    void duplicateNamesAreRefused() {
      failsNaming(() -> load(Map.of("PYGMY_NODES",
          "catalog-1@h:1:2,catalog-1@h:3:4,order-1@h:5:6,frontend-1@h:7"), Map.of()), "duplicate", "catalog-1");
    }

    @Test
    void twoNodesOnOneHttpPortAreRefused() {
      failsNaming(() -> load(Map.of("PYGMY_NODES", "catalog-1@h:1:2,order-1@h:1:6,frontend-1@h:7"), Map.of()),
          "order-1");
    }

    @Test
    void aRaftPortClashingWithAnotherNodesHttpPortIsRefused() {
      failsNaming(() -> load(Map.of("PYGMY_NODES", "catalog-1@h:1:2,order-1@h:5:1,frontend-1@h:7"), Map.of()),
          "order-1");
    }

    @Test
    void aNodeUsingOnePortForHttpAndRaftIsRefused() {
      failsNaming(() -> load(Map.of("PYGMY_NODES", "catalog-1@h:1:1,order-1@h:5:6,frontend-1@h:7"), Map.of()),
          "catalog-1");
    }

    @Test
    void theSamePortOnDifferentHostsIsAllowed() {
      ClusterConfig c = load(Map.of("PYGMY_NODES", "catalog-1@a:1:2,order-1@b:1:2,frontend-1@c:1"), Map.of());
      assertThat(c.nodes()).hasSize(3);
    }

    @Test
    void aFrontendInAJsonFileNeedsNoRaftPort() throws IOException {
      ClusterConfig c = ClusterConfig.load(fileWithSettings("{}"), Map.of(), Map.of());
      assertThat(c.node("frontend-1").raftPort()).isZero();
      assertThat(c.node("frontend-1").service()).isEqualTo(Service.FRONTEND);
    }

    @Test
    void aFrontendInAJsonFileWithARaftPortIsRefused() throws IOException {
      Path f = file("""
          {"nodes": [
            {"name": "catalog-1", "service": "catalog", "host": "h", "httpPort": 1, "raftPort": 2},
            {"name": "order-1", "service": "order", "host": "h", "httpPort": 3, "raftPort": 4},
            {"name": "frontend-1", "service": "frontend", "host": "h", "httpPort": 5, "raftPort": 6}
          ]}
          """);
      failsNaming(() -> ClusterConfig.load(f, Map.of(), Map.of()), "frontend-1", "raftPort");
    }

    @Test
    void aReplicatedNodeInAJsonFileWithoutARaftPortIsRefused() throws IOException {
      Path f = file("""
          {"nodes": [
            {"name": "catalog-1", "service": "catalog", "host": "h", "httpPort": 1},
            {"name": "order-1", "service": "order", "host": "h", "httpPort": 3, "raftPort": 4},
            {"name": "frontend-1", "service": "frontend", "host": "h", "httpPort": 5}
          ]}
          """);
      failsNaming(() -> ClusterConfig.load(f, Map.of(), Map.of()), "catalog-1", "raftPort");
    }

    @Test
    void aNodeInAJsonFileWithoutAnHttpPortIsRefused() throws IOException {
      Path f = file("""
          {"nodes": [
            {"name": "catalog-1", "service": "catalog", "host": "h", "raftPort": 2},
            {"name": "order-1", "service": "order", "host": "h", "httpPort": 3, "raftPort": 4},
            {"name": "frontend-1", "service": "frontend", "host": "h", "httpPort": 5}
          ]}
          """);
      failsNaming(() -> ClusterConfig.load(f, Map.of(), Map.of()), "catalog-1", "httpPort");
    }

    @Test
    void nodesAreFoundByNameOrByServiceAndOneBasedId() {
      ClusterConfig c = ClusterConfig.defaults();
      assertThat(c.node("order-2").httpPort()).isEqualTo(9302);
      assertThat(c.node(Service.CATALOG, 3).name()).isEqualTo("catalog-3");
      failsNaming(() -> c.node(Service.CATALOG, 0), "1..3");
      failsNaming(() -> c.node(Service.FRONTEND, 2), "1..1");
      failsNaming(() -> c.node("catalog-9"), "catalog-9");
    }
  }

  // ------------------------------------------------------------------ addresses and names

  @Nested
  class Addresses {
    @Test
    void urlsBracketIpv6Hosts() {
      NodeAddress v6 = new NodeAddress("catalog-1", Service.CATALOG, "::1", 9101, 9201);
      assertThat(v6.httpUrl()).isEqualTo("http://[::1]:9101");
      assertThat(v6.raftAddress()).isEqualTo("[::1]:9201");
      NodeAddress v4 = new NodeAddress("catalog-1", Service.CATALOG, "10.0.0.1", 9101, 9201);
      assertThat(v4.httpUrl()).isEqualTo("http://10.0.0.1:9101");
      assertThat(v4.raftAddress()).isEqualTo("10.0.0.1:9201");
    }

    @Test
    void nodeNamesArePeerIdSafe() {
      failsNaming(() -> new NodeAddress("Catalog-1", Service.CATALOG, "h", 1, 2), "Catalog-1");
      failsNaming(() -> new NodeAddress("1catalog", Service.CATALOG, "h", 1, 2), "1catalog");
      failsNaming(() -> new NodeAddress("catalog_1", Service.CATALOG, "h", 1, 2), "catalog_1");
    }

    @Test
    void portsMustBeInRange() {
      failsNaming(() -> new NodeAddress("catalog-1", Service.CATALOG, "h", 0, 2), "httpPort");
      failsNaming(() -> new NodeAddress("catalog-1", Service.CATALOG, "h", 65536, 2), "httpPort");
      failsNaming(() -> new NodeAddress("catalog-1", Service.CATALOG, "h", 1, 70000), "raftPort");
    }

    @Test
    void aHostIsRequired() {
      failsNaming(() -> new NodeAddress("catalog-1", Service.CATALOG, " ", 1, 2), "host");
    }

    @ParameterizedTest
    @CsvSource({
        "CACHE_LEASE_MILLIS, cacheLeaseMillis",
        "READ_ATTEMPTS, readAttempts",
        "INVALIDATION_MAX_KEYS_PER_BATCH, invalidationMaxKeysPerBatch",
        "MAX_STOCK, maxStock",
    })
    void environmentNamesMapToSettingNames(String env, String setting) {
      assertThat(ClusterConfig.camelCase(env)).isEqualTo(setting);
    }

    @Test
    void servicesParseCaseInsensitively() {
      assertThat(Service.parse(" Catalog ")).isEqualTo(Service.CATALOG);
      assertThat(Service.FRONTEND.replicated()).isFalse();
      assertThat(Service.ORDER.replicated()).isTrue();
      failsNaming(() -> Service.parse("cache"), "cache");
    }
  }

  /** The defaults with one field changed and not validated, independent of the record's field order. */
  static Settings defaultsWith(String name, int value) {
    ObjectNode node = Json.MAPPER.valueToTree(Settings.defaults());
    node.put(name, value);
    return Json.MAPPER.convertValue(node, Settings.class);
  }
}
