package io.pygmy.ui;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Debian's chromedriver. Both paths are given to Selenium, so it
 * never runs Selenium Manager and never downloads a browser. Without them the tests are skipped.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
            + "apt-get install chromium chromium-driver");
  }

  static Browser open(int width, int height) {
    assumeInstalled();
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Browser(driver);
  }

  WebDriverWait await(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /**
   * Saves a screenshot of the whole page (not only the window) under the build's screenshots/, or under docs/
   * with {@code -Dpygmy.screenshots=docs} (how the README's pictures are refreshed), so a test run does
   * not rewrite tracked files.
   */
  void screenshot(String fileName) {
    Dimension window = driver.manage().window().getSize();
    Object height = driver.executeScript("return document.documentElement.scrollHeight;");
    long chrome = window.getHeight() - ((Number) driver.executeScript("return window.innerHeight;")).longValue();
    int full = (int) Math.min(4000, ((Number) height).longValue() + chrome);
    if (full > window.getHeight()) {
      driver.manage().window().setSize(new Dimension(window.getWidth(), full));
    }
    File shot;
    try {
      shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    } finally {
      driver.manage().window().setSize(window);
    }
    Path base = Path.of(System.getProperty("basedir", "."));
    Path docs = "docs".equals(System.getProperty("pygmy.screenshots"))
        ? base.resolve("docs") : Path.of(System.getProperty("pygmy.screenshotDir", "target/screenshots"));
    try {
      Files.createDirectories(docs);
      Files.copy(shot.toPath(), docs.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  WebDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
