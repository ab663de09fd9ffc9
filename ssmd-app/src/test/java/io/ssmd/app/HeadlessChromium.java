package io.ssmd.app;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The Debian {@code chromium} driven through its {@code chromedriver}, both at fixed paths so that Selenium Manager
 * never looks for (or downloads) a browser or a driver. Missing binaries fail the test with the command that installs
 * them, unless {@code SSMD_SKIP_BROWSER=1} asks to skip browser tests.
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SSMD_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("SSMD_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private static final List<String> FLAGS = List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1400,1300");

    private HeadlessChromium() {}

    /** Fails (or, with {@code SSMD_SKIP_BROWSER=1}, skips) the calling test when the browser cannot run here. */
    static void requireInstalled() {
        requireInstalled(CHROMIUM, CHROMEDRIVER, System.getenv());
    }

    static void requireInstalled(Path chromium, Path chromedriver, Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (Path binary : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(binary)) {
                missing.add(binary.toString());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String what = "browser tests need " + String.join(" and ", missing) + ", which are not installed";
        if ("1".equals(env.get("SSMD_SKIP_BROWSER"))) {
            Assumptions.abort(what + "; skipped because SSMD_SKIP_BROWSER=1");
        }
        fail(what + ". Install them with 'sudo apt-get install -y chromium chromium-driver' (or run './ssmd test' as"
                + " root, which installs them), point SSMD_CHROMIUM / SSMD_CHROMEDRIVER at other binaries, or set"
                + " SSMD_SKIP_BROWSER=1 to skip browser tests");
    }

    /** A new headless browser; the caller quits it. */
    static ChromeDriver start() {
        requireInstalled();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(FLAGS);
        // Keeps the page's console, so a test can see script errors.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        return new ChromeDriver(service, options);
    }
}
