package io.pygmy.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pygmy.config.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The live dashboard in a real headless Chromium: every node, and a leader killed with its button. */
class DashboardIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A JVM start on a busy two-core machine has been seen to take a minute before it answers HTTP. */
  private static final Duration RESTART_WAIT = Duration.ofSeconds(180);
  private static UiCluster cluster;
  private static Browser browser;

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    cluster = UiCluster.get();
    browser = Browser.open(1280, 1000);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  private Map<String, String> rolesOf(String service) {
    return browser.driver.findElements(By.cssSelector("#nodes tbody tr[data-node^='" + service + "-']")).stream()
        .collect(Collectors.toMap(r -> r.getAttribute("data-node"), r -> r.getAttribute("data-role")));
  }

  private WebElement row(String node) {
    return browser.driver.findElement(By.cssSelector("#nodes tbody tr[data-node='" + node + "']"));
  }

  /** Clicks a node's button; the table is redrawn every second, so a stale lookup is retried. */
  private void click(String node, String action) {
    browser.await(WAIT).until(d -> {
      WebElement button = row(node).findElement(By.cssSelector("button[data-action='" + action + "']"));
      if (!button.isEnabled()) {
        return false;
      }
      button.click();
      return true;
    });
  }

  private String leaderShown(String service) {
    return rolesOf(service).entrySet().stream().filter(e -> e.getValue().equals("LEADER"))
        .map(Map.Entry::getKey).findFirst().orElse(null);
  }

  @Test
  void killTheCatalogLeaderWithItsButtonAndWatchANewLeaderAndTheRestart() throws InterruptedException {
    // Steady traffic while the page is watched, so the cache, traffic and chart panels have something to show.
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread traffic = Thread.ofVirtual().start(() -> {
      for (int i = 0; watching.get() && i < 10_000; i++) {
        cluster.get(cluster.frontend() + "/api/books/" + (1 + i % 6));
        if (i % 10 == 0) {
          cluster.post(cluster.frontend() + "/api/orders", "{\"item\":2,\"quantity\":1}");
        }
        LockSupport.parkNanos(50_000_000); // a pace for background load, not a synchronisation
      }
    });
    try {
      watchAFailover(watching);
    } finally {
      watching.set(false);
      traffic.join(Duration.ofSeconds(20));
    }
  }

  private void watchAFailover(AtomicBoolean watching) {

    browser.driver.get(cluster.frontend() + "/dashboard");
    browser.await(WAIT).until(d -> d.findElements(By.cssSelector("#nodes tbody tr[data-healthy='true']")).size() == 7);
    browser.await(WAIT).until(d -> leaderShown("catalog") != null && leaderShown("order") != null);
    // Panels are redrawn every second, so each is read inside an await (which retries a stale element).
    browser.await(WAIT).until(d -> d.findElement(By.id("live-text")).getText().startsWith("Live"));
    browser.await(WAIT).until(d -> !d.findElements(By.cssSelector("#traffic tbody tr[data-route]")).isEmpty());
    browser.await(WAIT).until(d -> d.findElement(By.id("cache-entries")).getText().matches("\\d+"));

    // The controls exist (a local cluster) but stay locked until the admin token is given.
    WebElement controls = browser.driver.findElement(By.id("controls"));
    assertThat(controls.isDisplayed()).isTrue();
    assertThat(browser.driver.findElements(By.cssSelector("button[data-action='kill']"))).isEmpty();
    browser.driver.findElement(By.id("admin-token")).sendKeys("not-the-token\n");
    browser.await(WAIT).until(ExpectedConditions.textToBe(By.id("action-result"), "That token was refused."));
    browser.driver.findElement(By.id("admin-token")).clear();
    browser.driver.findElement(By.id("admin-token")).sendKeys(cluster.adminToken() + "\n");
    browser.await(WAIT).until(d -> !d.findElements(By.cssSelector("button[data-action='kill']")).isEmpty());
    browser.await(WAIT).until(d -> d.findElement(By.cssSelector("svg#chart path.p50")).getAttribute("d").contains("L"));
    browser.await(WAIT).until(d -> List.of("GET /api/books/{id}", "POST /api/orders")
        .contains(new Select(d.findElement(By.id("chart-route"))).getFirstSelectedOption().getText()));
    browser.screenshot("dashboard.png");

    String oldLeader = browser.await(WAIT).until(d -> leaderShown("catalog"));
    click(oldLeader, "kill");
    browser.await(WAIT).until(ExpectedConditions.attributeToBe(
        By.cssSelector("#nodes tbody tr[data-node='" + oldLeader + "']"), "data-healthy", "false"));
    assertThat(cluster.local.pid(oldLeader)).isEmpty();
    browser.await(WAIT).until(d -> {
      String now = leaderShown("catalog");
      return now != null && !now.equals(oldLeader)
          && "true".equals(row(now).getAttribute("data-healthy"));
    });
    browser.await(WAIT).until(ExpectedConditions.attributeToBe(
        By.cssSelector("#nodes tbody tr[data-node='" + oldLeader + "']"), "data-role", "DOWN"));
    browser.screenshot("dashboard-failover.png");

    // Buys go on under the new leader; then the old leader comes back and catches up.
    assertThat(cluster.post(cluster.frontend() + "/api/orders", "{\"item\":3,\"quantity\":1}").statusCode())
        .isEqualTo(201);
    watching.set(false); // quiet, so "caught up" is a fixed target
    click(oldLeader, "start");
    browser.await(RESTART_WAIT).until(ExpectedConditions.attributeToBe(
        By.cssSelector("#nodes tbody tr[data-node='" + oldLeader + "']"), "data-healthy", "true"));
    browser.await(RESTART_WAIT).until(d -> {
      List<Long> applied = cluster.replicas(Service.CATALOG).stream()
          .map(n -> Long.parseLong(row(n.name()).findElements(By.cssSelector("td.num")).get(2).getText()))
          .toList();
      return applied.stream().distinct().count() == 1;
    });
    browser.await(WAIT).until(d -> List.of("FOLLOWER", "LEADER").contains(row(oldLeader).getAttribute("data-role")));
  }

  @Test
  void everyNodeServesMetricsAndHealth() {
    for (var node : cluster.local.config().nodes()) {
      await200(node.httpUrl() + "/health/live");
      var metrics = cluster.get(node.httpUrl() + "/metrics");
      assertThat(metrics).isNotNull();
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("pygmy_http_requests_seconds_count").contains("jvm_memory_used_bytes")
          .contains("node=\"" + node.name() + "\"");
      if (node.service() != Service.FRONTEND) {
        assertThat(metrics.body()).contains("pygmy_raft_term").contains("pygmy_raft_applied_index");
      } else {
        assertThat(metrics.body()).contains("pygmy_cache_hit_ratio").contains("pygmy_cache_invalidations_total");
      }
    }
  }

  private void await200(String url) {
    browser.await(WAIT).until(d -> {
      var r = cluster.get(url);
      return r != null && r.statusCode() == 200;
    });
  }
}
