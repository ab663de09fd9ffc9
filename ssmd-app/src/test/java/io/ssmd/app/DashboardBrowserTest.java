package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.testkit.NatsServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in a real browser (headless Chromium) during a demo-style run: replay servers for every venue, a
 * node with an archiver, a real nats-server. The screenshot lands in {@code ssmd-app/target/dashboard-screenshot.png}.
 */
class DashboardBrowserTest {

    @RegisterExtension
    static final NatsServerExtension NATS = new NatsServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final String DECIMAL = "^-?\\d+(\\.\\d+)?\\b";

    @TempDir
    Path dir;

    private DemoRun demo;
    private ChromeDriver browser;

    @BeforeEach
    void start() {
        browser = HeadlessChromium.start();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void showsEveryFeedWithItsShardsAndNumbersThatMove() throws Exception {
        demo = DemoRun.start(dir, NATS.url(), 20);
        List<String> feeds =
                demo.environment.feeds().stream().map(EnabledFeed::name).toList();
        assertThat(feeds).contains("kraken", "kraken-futures", "kalshi", "polymarket");
        browser.get(demo.url("/"));

        // Every feed's section lists exactly the shards /v1/feeds reports, all of them streaming.
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, Set<String>> api = shardsFromApi();
            for (String feed : feeds) {
                assertThat(api.get(feed)).as("shards of %s on /v1/feeds", feed).isNotEmpty();
                assertThat(shardsOnPage(feed))
                        .as("shards of %s on the page", feed)
                        .isEqualTo(api.get(feed));
                for (WebElement row : feedSection(feed).findElements(By.cssSelector("tr.shard"))) {
                    assertThat(row.getAttribute("data-state"))
                            .as(row.getAttribute("data-shard"))
                            .isEqualTo("streaming");
                    assertThat(row.findElement(By.cssSelector(".state")).getText())
                            .isEqualTo("streaming");
                }
            }
        });

        // States are coloured: streaming in the stylesheet's green.
        assertThat(feedSection("kraken")
                        .findElement(By.cssSelector("tr.shard .state"))
                        .getCssValue("color"))
                .isEqualTo("rgba(24, 134, 75, 1)");

        // Total messages per feed, read twice: each must grow while the page stays open.
        Map<String, Long> first = new HashMap<>();
        for (String feed : feeds) {
            first.put(feed, feedTotal(feed));
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (String feed : feeds) {
                        assertThat(feedTotal(feed))
                                .as("total messages of %s", feed)
                                .isGreaterThan(first.get(feed));
                    }
                });

        // Rates come from successive counts, and each feed's chart has drawn them.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (String feed : feeds) {
                        String rate = feedSection(feed)
                                .findElement(By.cssSelector(".feed-msgs-per-sec"))
                                .getText();
                        assertThat(rate).as("msg/s of %s", feed).matches("\\d+(\\.\\d)?");
                        assertThat(Double.parseDouble(rate))
                                .as("msg/s of %s", feed)
                                .isPositive();
                        assertThat(chartPixels(feed))
                                .as("pixels drawn in the chart of %s", feed)
                                .isGreaterThan(50);
                    }
                });

        // The archiver answers /v1/gaps: the section says what it found, not that it could not ask.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                browser.findElement(By.id("gaps-status")).getText())
                        .isEqualTo("No gaps recorded."));

        // Last prices from the gateway's /v1/stream: every feed's instruments, as decimal text.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(browser.findElement(By.id("stream-status")).getText())
                            .isEqualTo("live");
                    Map<String, List<String>> prices = pricesOnPage();
                    for (String feed : feeds) {
                        assertThat(prices.get(feed))
                                .as("last and bid prices of %s", feed)
                                .isNotNull()
                                .anySatisfy(text -> assertThat(text).containsPattern(DECIMAL));
                    }
                });

        // A dropped venue connection shows as a reconnect on its shard's row and in the events list.
        demo.faults.get("kraken").disconnectAll();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    WebElement row =
                            feedSection("kraken").findElement(By.cssSelector("tr.shard[data-shard='kraken-0']"));
                    assertThat(Integer.parseInt(row.findElement(By.cssSelector(".reconnects"))
                                    .getText()))
                            .isPositive();
                    assertThat(browser.findElements(By.cssSelector("#event-rows li[data-kind='reconnect']")))
                            .extracting(WebElement::getText)
                            .anySatisfy(text -> assertThat(text).contains("kraken-0: reconnect #"));
                    assertThat(row.getAttribute("data-state")).isEqualTo("streaming");
                    // ...and as the gateway's status event about the shard.
                    assertThat(browser.findElements(By.cssSelector("#event-rows li[data-kind='disconnected']")))
                            .extracting(WebElement::getText)
                            .anySatisfy(text -> assertThat(text).contains("kraken-0: disconnected"));
                });

        // The outage is a connection_lost gap in the archive: it is listed once its segment commits (1 min rotation).
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(browser.findElements(By.cssSelector(
                                "#gap-rows tr.gap[data-feed='kraken']" + "[data-type='connection_lost']")))
                        .extracting(row ->
                                row.findElement(By.cssSelector(".gap-shard")).getText())
                        .contains("kraken-0"));

        // The archiver wrote the day's inventory row as it committed that segment: the inventory panel shows today's
        // kraken with the gap, still processing (the day is open), next to the other feeds' days.
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    WebElement day = browser.findElement(By.cssSelector(
                            "#inventory-rows tr.inventory-day[data-feed='kraken'][data-date='" + today + "']"));
                    assertThat(day.findElement(By.cssSelector(".inv-status")).getText())
                            .isEqualTo("processing");
                    assertThat(Integer.parseInt(
                                    day.findElement(By.cssSelector(".inv-gaps")).getText()))
                            .isPositive();
                    assertThat(day.findElement(By.cssSelector(".inv-quality")).getText())
                            .isEqualTo("-");
                    assertThat(browser.findElements(By.cssSelector("#inventory-rows tr.inventory-day")))
                            .extracting(row -> row.getAttribute("data-feed"))
                            .containsAll(feeds);
                    assertThat(browser.findElement(By.id("inventory-status")).isDisplayed())
                            .isFalse();
                });

        assertThat(uncaughtScriptErrors()).isEmpty();
        Path screenshot = saveScreenshot();
        System.out.println("dashboard screenshot: " + screenshot);
        assertThat(Files.readAllBytes(screenshot)).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void withApiKeysThePageAsksForOneAndWorksWithTheKeyInItsAddress() throws Exception {
        demo = DemoRun.start(dir, NATS.url(), 20, Optional.of("dashboard-key"));

        browser.get(demo.url("/"));
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(browser.findElement(By.id("node-status")).getText())
                    .contains("an API key is required")
                    .contains("open this page as /?api_key=KEY");
            assertThat(browser.findElement(By.id("gaps-status")).getText()).contains("an API key is required");
            assertThat(browser.findElement(By.id("inventory-status")).getText()).contains("an API key is required");
            assertThat(browser.findElement(By.id("stream-status")).getAttribute("data-status"))
                    .isEqualTo("unavailable");
        });
        assertThat(browser.findElements(By.cssSelector("section.feed"))).isEmpty();

        browser.get(demo.url("/?api_key=dashboard-key"));
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(browser.findElement(By.id("node-status")).getText()).isEqualTo("node ok");
            for (EnabledFeed feed : demo.environment.feeds()) {
                assertThat(shardsOnPage(feed.name()))
                        .as("shards of %s", feed.name())
                        .isNotEmpty();
            }
            assertThat(browser.findElement(By.id("stream-status")).getText()).isEqualTo("live");
            assertThat(pricesOnPage()).isNotEmpty();
            assertThat(browser.findElement(By.id("gaps-status")).getText()).isEqualTo("No gaps recorded.");
        });
        assertThat(uncaughtScriptErrors()).isEmpty();
    }

    /** Script errors the page did not handle (a failed WebSocket or fetch is handled, and logged differently). */
    private List<String> uncaughtScriptErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(message -> message.contains("Uncaught"))
                .toList();
    }

    /**
     * "last bid" of every row of the price table by feed, read in one script: the page redraws the table twice a
     * second, so rows found one by one could be gone by the next call.
     */
    @SuppressWarnings("unchecked")
    private Map<String, List<String>> pricesOnPage() {
        List<List<String>> rows = (List<List<String>>) browser.executeScript("""
                return [...document.querySelectorAll('#price-rows tr.price')].map(row => [row.dataset.feed,
                    row.querySelector('.price-last').textContent + ' ' + row.querySelector('.price-bid').textContent]);
                """);
        Map<String, List<String>> byFeed = new HashMap<>();
        rows.forEach(row -> byFeed.computeIfAbsent(row.get(0), feed -> new java.util.ArrayList<>())
                .add(row.get(1)));
        return byFeed;
    }

    private WebElement feedSection(String feed) {
        return browser.findElement(By.cssSelector("section.feed[data-feed='" + feed + "']"));
    }

    private Set<String> shardsOnPage(String feed) {
        Set<String> shards = new TreeSet<>();
        for (WebElement row : browser.findElements(By.cssSelector("section.feed[data-feed='" + feed + "'] tr.shard"))) {
            shards.add(row.getAttribute("data-shard"));
        }
        return shards;
    }

    private long feedTotal(String feed) {
        long total = 0;
        for (WebElement cell : feedSection(feed).findElements(By.cssSelector("tr.shard .total-messages"))) {
            total += Long.parseLong(cell.getAttribute("data-value"));
        }
        return total;
    }

    /** Non-transparent pixels in the feed's chart canvas. */
    private long chartPixels(String feed) {
        Object count = browser.executeScript("""
                const canvas = document.querySelector(arguments[0]);
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let drawn = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
                return drawn;
                """, "section.feed[data-feed='" + feed + "'] canvas.chart");
        return ((Number) count).longValue();
    }

    private Map<String, Set<String>> shardsFromApi() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(demo.url("/v1/feeds")))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Set<String>> shards = new HashMap<>();
        for (JsonNode feed : JSON.readTree(response.body()).path("feeds")) {
            Set<String> names = new TreeSet<>();
            feed.path("shards").forEach(shard -> names.add(shard.path("shard").asText()));
            shards.put(feed.path("feed").asText(), names);
        }
        return shards;
    }

    private Path saveScreenshot() throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."))
                .resolve("target/dashboard-screenshot.png")
                .toAbsolutePath()
                .normalize();
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
