package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.node.DemoLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoLayoutTest {

    @TempDir
    Path dir;

    @Test
    void endpointsMoveToLocalhostKeepingTheirPaths() {
        String yaml = """
                endpoints:
                  websocket: wss://api.elections.kalshi.com/trade-api/ws/v2
                  rest: https://api.elections.kalshi.com/trade-api/v2
                  discovery: https://gamma-api.polymarket.com
                keepalive:
                  ping-interval: 15s
                """;
        assertThat(DemoLayout.local(yaml, 9103)).isEqualTo("""
                endpoints:
                  websocket: ws://127.0.0.1:9103/trade-api/ws/v2
                  rest: http://127.0.0.1:9103/trade-api/v2
                  discovery: http://127.0.0.1:9103
                keepalive:
                  ping-interval: 15s
                """);
    }

    @Test
    void theDemoEnvironmentIsValidAndPointsEveryFeedAtItsReplayServer() throws IOException {
        Path shipped = ShippedExchanges.copyInto(dir.resolve("home"))
                .getParent()
                .getParent()
                .getParent();
        DemoLayout layout = DemoLayout.createFrom(shipped.resolve("exchanges/feeds"), dir.resolve("demo"), 9101);
        Map<String, String> env = new HashMap<>(layout.kalshiCredentials());

        Environment environment = EnvironmentLoader.load(layout.environmentFile(), env);

        assertThat(environment.name()).isEqualTo("demo");
        assertThat(environment.feeds())
                .extracting(EnabledFeed::name)
                .containsExactlyInAnyOrder("kraken", "kraken-futures", "kalshi", "polymarket");
        for (EnabledFeed feed : environment.feeds()) {
            int port = layout.port(feed.name());
            assertThat(feed.definition().endpoints().websocket().toString()).startsWith("ws://127.0.0.1:" + port + "/");
        }
        assertThat(environment.feed("kalshi").orElseThrow().credentials()).isPresent();
        assertThat(Files.readString(layout.kalshiPublicKey())).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(Files.getPosixFilePermissions(layout.kalshiPrivateKey()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(environment.storage().archiveRoot())
                .isEqualTo(dir.resolve("demo").resolve("archive"));
    }
}
