package io.pygmy.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The storefront in a real headless Chromium against a real cluster: browse, open, buy, run out. */
class StorefrontIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static UiCluster cluster;
  private static Browser browser;

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    cluster = UiCluster.get();
    browser = Browser.open(1280, 900);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  private WebElement find(String css) {
    return browser.await(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  private long shownStock() {
    return Long.parseLong(find("#book-stock").getText().trim());
  }

  private void awaitShownStock(long expected) {
    browser.await(WAIT).until(d -> shownStock() == expected);
  }

  @Test
  void browseATopicOpenABookBuyItAndSeeTheStockDrop() {
    browser.driver.get(cluster.frontend() + "/");
    find(".book-link");
    browser.screenshot("storefront.png");

    browser.driver.findElement(By.cssSelector(".topic-link[href='#/topic/gs']")).click();
    browser.await(WAIT).until(ExpectedConditions.textToBe(By.id("list-heading"), "Graduate school (gs)"));
    assertThat(browser.driver.findElements(By.cssSelector(".book .meta")))
        .isNotEmpty().allSatisfy(e -> assertThat(e.getText()).isEqualTo("Graduate school (gs)"));

    WebElement first = find(".book-link");
    String title = first.getText();
    first.click();
    browser.await(WAIT).until(ExpectedConditions.textToBe(By.id("book-title"), title));
    assertThat(find("#book-topic").getText()).isEqualTo("Graduate school (gs)");
    assertThat(find("#book-cost").getText()).startsWith("$");
    long before = shownStock();

    WebElement quantity = find("#quantity");
    quantity.clear();
    quantity.sendKeys("2");
    find("#buy").click();
    WebElement confirmed = find("#order-confirmed");
    assertThat(confirmed.getText()).contains("confirmed");
    awaitShownStock(before - 2);
    browser.screenshot("storefront-book.png");

    String orderId = find("#order-link").getText().replace("#", "");
    find("#order-link").click();
    browser.await(WAIT).until(ExpectedConditions.textToBe(By.id("order-id"), orderId));
    assertThat(find("#order-status").getText()).isEqualTo("confirmed");
  }

  @Test
  void aDoubleClickOrdersOnce() {
    browser.driver.get(cluster.frontend() + "/#/book/1");
    long before = shownStock();
    // Two clicks in the same task: the second lands while the first is in flight.
    browser.driver.executeScript("const b = document.getElementById('buy'); b.click(); b.click();");
    find("#order-confirmed");
    awaitShownStock(before - 1);
    browser.driver.navigate().refresh();
    awaitShownStock(before - 1);
  }

  @Test
  void buyingUntilOutOfStockShowsAClearMessage() {
    browser.driver.get(cluster.frontend() + "/#/book/" + UiCluster.SCARCE_ITEM);
    long stock = shownStock();
    assertThat(stock).isBetween(0L, (long) UiCluster.SCARCE_STOCK);
    for (long left = stock; left > 0; left--) {
      find("#buy").click();
      awaitShownStock(left - 1);
      find("#order-confirmed");
    }
    find("#buy").click();
    WebElement message = find("#out-of-stock");
    assertThat(message.getText()).startsWith("Out of stock.").contains("Nothing was charged");
    assertThat(message.getAttribute("role")).isEqualTo("alert");
    assertThat(shownStock()).isZero();
    browser.screenshot("storefront-out-of-stock.png");
  }

  @Test
  void searchFindsTitlesAndSaysWhenNothingMatches() {
    browser.driver.get(cluster.frontend() + "/");
    find(".book-link");
    WebElement search = find("#search");
    search.sendKeys("graduate\n");
    browser.await(WAIT).until(ExpectedConditions.textToBe(By.id("list-heading"), "Titles with “graduate”"));
    assertThat(browser.driver.findElements(By.cssSelector(".book-link")))
        .isNotEmpty().allSatisfy(e -> assertThat(e.getText().toLowerCase()).contains("graduate"));

    browser.driver.get(cluster.frontend() + "/#/search/no-such-title-anywhere");
    assertThat(find("#empty").getText()).contains("No title has the words");
    browser.driver.get(cluster.frontend() + "/#/order/999999");
    assertThat(find("#empty").getText()).contains("There is no order #999999");
  }

  @Test
  void readableOnAPhone() {
    try (Browser phone = Browser.open(390, 844)) {
      phone.driver.get(cluster.frontend() + "/#/book/2");
      phone.await(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("buy")));
      Object overflow = phone.driver.executeScript(
          "return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
      assertThat(overflow).isEqualTo(false);
      phone.screenshot("storefront-phone.png");
    }
  }
}
