package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.testkit.NatsServerExtension;
import io.ssmd.node.Ssmd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node against a stock nats-server, whose {@code max_payload} is 1 MiB (DESIGN §4): it starts, and says which feeds
 * may send frames larger than the server takes.
 */
class StockNatsServerNodeTest {

    private static final int STOCK_MAX_PAYLOAD = 1024 * 1024;

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.withMaxPayload(STOCK_MAX_PAYLOAD);

    @TempDir
    Path dir;

    private ActorSystem<Void> system;
    private final CapturedLogs logged = new CapturedLogs();
    private final Logger ssmdLog = (Logger) LoggerFactory.getLogger(Ssmd.class);

    @AfterEach
    void terminate() {
        ssmdLog.detachAppender(logged);
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
    }

    @Test
    void aNodeStartsAgainstAStockServerAndSaysWhichFeedsFramesExceedIt() throws Exception {
        // Kraken's frames (512 KiB at most here) fit; Kraken Futures' (2 MiB) and Polymarket's (8 MiB) may not.
        Path envFile = ShippedExchanges.copyInto(dir);
        ShippedExchanges.edit(envFile, "archive-root: ./data/archive", "archive-root: " + dir.resolve("archive"));
        ShippedExchanges.edit(
                envFile.getParent().getParent().resolve("feeds/kraken.yaml"),
                "max-frame-bytes: 4MiB",
                "max-frame-bytes: 512KiB");
        Environment environment = EnvironmentLoader.load(envFile, Map.of());
        logged.start();
        ssmdLog.addAppender(logged);

        system = TestNodeSettings.system("ssmd-test");
        Ssmd node = Ssmd.start(
                system, TestNodeSettings.of("test-node", dir, Optional.of(NATS.url()), Path.of("unused")), environment);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> get(node, "/v1/health").statusCode() == 200);
        List<String> warnings = logged.events().stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("max_payload " + STOCK_MAX_PAYLOAD))
                .toList();
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("feed kraken-futures: limits.max-frame-bytes 2097152");
        assertThat(warnings.get(1))
                .startsWith("feed polymarket: limits.max-frame-bytes 8388608")
                .contains("unparsed subject truncated");
    }

    private static HttpResponse<String> get(Ssmd node, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + node.httpAddress().getPort() + path);
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
