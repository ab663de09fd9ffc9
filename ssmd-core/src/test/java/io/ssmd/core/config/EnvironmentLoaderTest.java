package io.ssmd.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.nats.PublisherSettings;
import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.subject.Venue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped configuration, and what a valid environment loads into. */
class EnvironmentLoaderTest {

    private static final Path DEFAULT = ConfigFixture.shippedExchanges().resolve("environments/default.yaml");

    @TempDir
    Path tempDir;

    @Test
    void shippedDefaultValidatesWithoutKalshiCredentials() {
        ValidationReport report = EnvironmentLoader.validate(DEFAULT, Map.of());

        assertThat(report.errors()).isEmpty();
        assertThat(report.ok()).isTrue();
        Environment environment = report.environment().orElseThrow();
        assertThat(environment.name()).isEqualTo("default");
        assertThat(environment.feeds())
                .extracting(EnabledFeed::name)
                .containsExactly("kraken", "kraken-futures", "polymarket");
        assertThat(environment.streams())
                .extracting(StreamSpec::name)
                .containsExactly("DEFAULT_KRAKEN", "DEFAULT_KRAKEN_FUTURES", "DEFAULT_POLYMARKET");
        assertThat(environment.archivers()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("main");
            assertThat(a.streams()).hasSize(3);
        });
        assertThat(report.passed())
                .contains(
                        "environment file parsed: " + DEFAULT,
                        "feed kraken: 2 instruments, tokens unique",
                        "feed kalshi: disabled (no credentials: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE)",
                        "streams: every publishable subject covered by exactly one stream (3 streams)",
                        "archiver main: 3 streams resolve");
    }

    @Test
    void shippedDefaultRunsKalshiWhenCredentialsAreSet() throws Exception {
        Path key = Files.writeString(tempDir.resolve("kalshi.pem"), "-----BEGIN PRIVATE KEY-----\n");
        Map<String, String> env =
                Map.of("KALSHI_API_KEY_ID", "key-id-secret-value", "KALSHI_PRIVATE_KEY_FILE", key.toString());

        ValidationReport report = EnvironmentLoader.validate(DEFAULT, env);

        assertThat(report.errors()).isEmpty();
        Environment environment = report.environment().orElseThrow();
        EnabledFeed kalshi = environment.feed("kalshi").orElseThrow();
        assertThat(kalshi.venue()).isEqualTo(Venue.KALSHI);
        assertThat(kalshi.categories()).containsExactly("Crypto", "Economics");
        assertThat(kalshi.discovery().orElseThrow().maxInstruments()).hasValue(2000);
        assertThat(kalshi.credentials().orElseThrow().privateKeyFile()).isEqualTo(key);
        assertThat(kalshi.credentials().orElseThrow().keyId()).isEqualTo("key-id-secret-value");
        assertThat(environment.streams()).extracting(StreamSpec::name).contains("DEFAULT_KALSHI");
        assertThat(environment.archivers().get(0).streams()).hasSize(4);
        assertThat(environment.publishableSubjects()).contains("default.kalshi.*.json.*.*");
        assertThat(report.passed()).anyMatch(l -> l.startsWith("feed kalshi: credentials resolve"));
        assertThat(String.join("\n", report.passed()) + kalshi).doesNotContain("key-id-secret-value");
    }

    @Test
    void kalshiDiscoveryMayExcludeCategoriesAndKeepToSomeSeries() throws Exception {
        Path key = Files.writeString(tempDir.resolve("kalshi.pem"), "-----BEGIN PRIVATE KEY-----\n");
        Path file = ConfigFixture.in(tempDir)
                .env(
                        "lab",
                        Files.readString(DEFAULT)
                                .replace("name: default", "name: lab")
                                .replace(
                                        "categories: [Crypto, Economics]",
                                        "exclude-categories: [Sports, Entertainment]\n"
                                                + "    series: [KXBTCD, KXETHD]"));

        ValidationReport report = EnvironmentLoader.validate(
                file, Map.of("KALSHI_API_KEY_ID", "id", "KALSHI_PRIVATE_KEY_FILE", key.toString()));

        assertThat(report.errors()).isEmpty();
        EnabledFeed kalshi = report.environment().orElseThrow().feed("kalshi").orElseThrow();
        assertThat(kalshi.categories()).isEmpty();
        assertThat(kalshi.excludedCategories()).containsExactly("Sports", "Entertainment");
        assertThat(kalshi.series()).containsExactly("KXBTCD", "KXETHD");
    }

    @Test
    void feedDefinitionsCarryTheVenueFacts() {
        Environment environment = EnvironmentLoader.load(DEFAULT, Map.of());

        FeedDefinition kraken = environment.feed("kraken").orElseThrow().definition();
        assertThat(kraken.file())
                .isEqualTo(DEFAULT.getParent().resolve("../feeds/kraken.yaml").normalize());
        assertThat(kraken.endpoints().websocket()).hasToString("wss://ws.kraken.com/v2");
        assertThat(kraken.book().orElseThrow().depth()).isEqualTo(10);
        assertThat(kraken.book().orElseThrow().allowed()).containsExactly(10, 25, 100, 500, 1000);
        assertThat(kraken.pingInterval()).contains(Duration.ofSeconds(30));
        assertThat(environment.feed("kraken").orElseThrow().tokens()).containsEntry("BTC/USD", "BTC-USD");

        FeedDefinition futures =
                environment.feed("kraken-futures").orElseThrow().definition();
        assertThat(futures.pingInterval()).contains(Duration.ofSeconds(15));
        assertThat(futures.keepalive().serverIdleTimeout()).contains(Duration.ofSeconds(60));

        FeedDefinition polymarket = environment.feed("polymarket").orElseThrow().definition();
        assertThat(polymarket.pingInterval()).contains(Duration.ofSeconds(10));
        assertThat(polymarket.maxFrameBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(polymarket.endpoints().discoveryBase())
                .map(Object::toString)
                .contains("https://gamma-api.polymarket.com");
        assertThat(polymarket.auth()).isEqualTo(FeedAuth.None.INSTANCE);

        assertThat(environment.publisher()).isEqualTo(PublisherSettings.defaults());
        assertThat(environment.storage().rotation()).isEqualTo(Duration.ofMinutes(15));
        assertThat(environment.storage().format()).isEqualTo(StorageSettings.Format.GZIP);
        assertThat(environment.gateway().enabled()).isTrue();
    }

    @Test
    void omittedSectionsTakeTheirDefaults() {
        ConfigFixture fixture = ConfigFixture.in(tempDir);
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    instruments: [BTC/USD]
                """);

        Environment environment = EnvironmentLoader.load(file, Map.of());

        assertThat(environment.publisher()).isEqualTo(PublisherSettings.defaults());
        assertThat(environment.streams()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("LAB_KRAKEN");
            assertThat(s.subjects()).containsExactly("lab.kraken.>");
            assertThat(s.duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
            assertThat(s.storage()).isEqualTo(StreamSpec.Storage.FILE);
        });
        assertThat(environment.storage().archiveRoot()).isEqualTo(Path.of("./data/archive"));
        assertThat(environment.archivers()).isEmpty();
        assertThat(environment.gateway().apiKeysFile()).isEmpty();
        assertThat(environment.gateway().clientQueueSize()).isEqualTo(GatewaySpec.DEFAULT_CLIENT_QUEUE_SIZE);
        assertThat(environment.gateway().maxLag()).isEqualTo(GatewaySpec.DEFAULT_MAX_LAG);
        assertThat(environment.gateway().maxClients()).isEqualTo(GatewaySpec.DEFAULT_MAX_CLIENTS);
        assertThat(environment.gateway().maxSubscriptions()).isEqualTo(GatewaySpec.DEFAULT_MAX_SUBSCRIPTIONS);
        assertThat(environment.gateway().closeGrace()).isEqualTo(GatewaySpec.DEFAULT_CLOSE_GRACE);
        assertThat(environment.secmasterSyncEvery()).isEmpty();
    }

    @Test
    void explicitSettingsAreRead() {
        ConfigFixture fixture = ConfigFixture.in(tempDir);
        fixture.file("environments/keys.sha256", "# ops team\n" + "ab".repeat(32) + "\n");
        Path file = fixture.env("lab", """
                name: lab
                feeds:
                  kraken:
                    instruments: [BTC/USD]
                transport:
                  publish: {window: 64, max-attempts: 3, retry-backoff: 100ms, ack-timeout: 2s}
                  control-queue: 500
                streams:
                  defaults: {max-bytes: none, max-age: 1d, duplicate-window: 1m, storage: memory, replicas: 3}
                storage: {archive-root: /srv/archive, format: zstd, rotation: 1h}
                archivers:
                  - name: main
                    streams: [LAB_KRAKEN]
                gateway: {enabled: false, api-keys-file: keys.sha256, client-queue-size: 500, max-lag: 5s,
                          recent-trades: 20, max-clients: 50, max-subscriptions-per-client: 40, close-grace: 15s}
                secmaster: {sync-every: 30m}
                """);

        Environment environment = EnvironmentLoader.load(file, Map.of());

        assertThat(environment.publisher())
                .isEqualTo(new PublisherSettings(64, 3, Duration.ofMillis(100), Duration.ofSeconds(2), 500));
        assertThat(environment.streams().get(0))
                .isEqualTo(new StreamSpec(
                        "LAB_KRAKEN",
                        List.of("lab.kraken.>"),
                        -1,
                        Duration.ofDays(1),
                        Duration.ofMinutes(1),
                        StreamSpec.Storage.MEMORY,
                        3));
        assertThat(environment.storage())
                .isEqualTo(
                        new StorageSettings(Path.of("/srv/archive"), StorageSettings.Format.ZSTD, Duration.ofHours(1)));
        assertThat(environment.gateway().enabled()).isFalse();
        assertThat(environment.gateway().apiKeysFile()).contains(tempDir.resolve("environments/keys.sha256"));
        assertThat(environment.gateway().clientQueueSize()).isEqualTo(500);
        assertThat(environment.gateway().maxLag()).isEqualTo(Duration.ofSeconds(5));
        assertThat(environment.gateway().recentTrades()).isEqualTo(20);
        assertThat(environment.gateway().maxClients()).isEqualTo(50);
        assertThat(environment.gateway().maxSubscriptions()).isEqualTo(40);
        assertThat(environment.gateway().closeGrace()).isEqualTo(Duration.ofSeconds(15));
        assertThat(environment.secmasterSyncEvery()).contains(Duration.ofMinutes(30));
    }

    @Test
    void theSecmasterScheduleIsADurationOrNoneAndAnythingElseNamesTheKey() {
        ConfigFixture fixture = ConfigFixture.in(tempDir);
        Path off = fixture.env("quiet", """
                name: quiet
                feeds:
                  kraken:
                    instruments: [BTC/USD]
                secmaster: {sync-every: none}
                """);
        assertThat(EnvironmentLoader.load(off, Map.of()).secmasterSyncEvery()).contains(Duration.ZERO);

        Path bad = fixture.env("bad", """
                name: bad
                feeds:
                  kraken:
                    instruments: [BTC/USD]
                secmaster: {sync-evry: 1h, sync-every: soon}
                """);
        assertThatThrownBy(() -> EnvironmentLoader.load(bad, Map.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.errors())
                                .extracting(ConfigError::keyPath)
                                .containsExactlyInAnyOrder("secmaster.sync-evry", "secmaster.sync-every"))
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("sync-every");
    }

    @Test
    void loadThrowsWithEveryErrorOnePerLine() {
        ConfigFixture fixture = ConfigFixture.in(tempDir);
        Path file = fixture.env("lab", """
                name: Lab
                feeds:
                  kraken:
                    instruments: []
                """);

        assertThatThrownBy(() -> EnvironmentLoader.load(file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors())
                            .extracting(ConfigError::keyPath)
                            .containsExactly("name", "feeds.kraken.instruments");
                    assertThat(e.getMessage())
                            .contains("(2 errors)")
                            .contains(file + ": name: 'Lab' is not a valid environment name")
                            .contains("\n" + file + ": feeds.kraken.instruments: empty list");
                });
    }

    @Test
    void errorsPrintAsFileKeyPathAndMessage() {
        ConfigError error = new ConfigError(Path.of("a.yaml"), "feeds.kraken", "broken");
        assertThat(error).hasToString("a.yaml: feeds.kraken: broken");
        assertThat(new ConfigError(Path.of("a.yaml"), "", "file not found")).hasToString("a.yaml: file not found");
    }
}
