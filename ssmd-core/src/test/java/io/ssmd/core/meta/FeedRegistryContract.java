package io.ssmd.core.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.config.FeedFiles;
import io.ssmd.core.db.Database;
import io.ssmd.core.settings.NodeSettings.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed registry's behaviour, run against PostgreSQL and H2 by the subclasses. */
abstract class FeedRegistryContract {

    private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant DEC_3 = Instant.parse("2026-12-03T00:00:00Z");

    @TempDir
    Path dir;

    private Database db;
    private FeedRegistry feeds;

    abstract DatabaseSettings settings();

    @BeforeEach
    void open() {
        db = Database.open(settings());
        feeds = new FeedRegistry(Metadata.of(db));
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** A shipped feed file renamed to a name no other test in this database uses. */
    private Path uniqueFeed(String shipped) throws IOException {
        String name = shipped + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = MetaDatabases.feedFile(dir, shipped);
        Path renamed = file.resolveSibling(name + ".yaml");
        Files.writeString(renamed, Files.readString(file).replace("name: " + shipped, "name: " + name));
        return renamed;
    }

    private static FeedDefinition read(Path file) {
        String name = file.getFileName().toString().replace(".yaml", "");
        return FeedFiles.read(file, name);
    }

    @Test
    void migratesFromEmptyToEveryRegistryTable() {
        List<String> tables = Metadata.of(db)
                .jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT LOWER(table_name) FROM information_schema.tables WHERE LOWER(table_name) IN"
                                        + " ('feeds','feed_versions','feed_calendars','schema_versions','schema_migrations')")
                        .mapTo(String.class)
                        .list());
        assertThat(tables)
                .containsExactlyInAnyOrder(
                        "feeds", "feed_versions", "feed_calendars", "schema_versions", "schema_migrations");
    }

    @Test
    void unchangedContentRegisteredTwiceRecordsOneVersion() throws IOException {
        Path file = uniqueFeed("kraken");
        FeedDefinition kraken = read(file);
        FeedRegistry.Registration first = feeds.register(kraken, DEC_1);
        // The same content written differently: other comments, key order, a size in bytes instead of MiB.
        Files.writeString(
                file,
                "# rewritten\n"
                        + Files.readString(file)
                                .replace("max-frame-bytes: 4MiB", "max-frame-bytes: 4194304")
                                .replaceAll("(?m)^\\s*#.*$", ""));
        FeedRegistry.Registration second = feeds.register(read(file), DEC_3);

        assertThat(first.recorded()).isTrue();
        assertThat(second.recorded()).isFalse();
        assertThat(second.version()).isEqualTo(1);
        assertThat(feeds.history(kraken.name())).hasSize(1);
        assertThat(feeds.version(kraken.name(), Optional.empty()).orElseThrow().effectiveTo())
                .isEmpty();
    }

    @Test
    void asOfReadsBeforeBetweenAndAfterTwoVersions() throws IOException {
        Path file = uniqueFeed("kalshi");
        String name = read(file).name();
        feeds.register(read(file), DEC_1);
        Files.writeString(
                file,
                Files.readString(file)
                        .replace(
                                "wss://api.elections.kalshi.com/trade-api/ws/v2",
                                "wss://demo-api.kalshi.co/trade-api/ws/v2"));
        FeedRegistry.Registration changed = feeds.register(read(file), DEC_3);

        assertThat(changed.recorded()).isTrue();
        assertThat(changed.version()).isEqualTo(2);
        assertThat(feeds.version(name, Optional.of(DEC_1.minusSeconds(1)))).isEmpty();
        FeedVersion v1 = feeds.version(name, Optional.of(Instant.parse("2026-12-02T12:00:00Z")))
                .orElseThrow();
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.endpoint()).isEqualTo("wss://api.elections.kalshi.com/trade-api/ws/v2");
        assertThat(v1.effectiveTo()).contains(DEC_3);
        assertThat(v1.authMethod()).isEqualTo("kalshi-rsa-pss");
        assertThat(v1.secretRef()).contains("env:KALSHI_API_KEY_ID, env:KALSHI_PRIVATE_KEY_FILE");
        assertThat(v1.channels()).containsExactly("orderbook_delta", "ticker", "trade", "market_lifecycle_v2");
        // The boundary belongs to the new version: effective_from <= t < effective_to.
        assertThat(feeds.version(name, Optional.of(DEC_3)).orElseThrow().version())
                .isEqualTo(2);
        assertThat(feeds.version(name, Optional.empty()).orElseThrow().endpoint())
                .isEqualTo("wss://demo-api.kalshi.co/trade-api/ws/v2");
        assertThat(feeds.history(name)).extracting(FeedVersion::version).containsExactly(1, 2);
    }

    @Test
    void registeringBeforeTheVersionInEffectIsRefused() throws IOException {
        Path file = uniqueFeed("polymarket");
        feeds.register(read(file), DEC_3);
        Files.writeString(
                file,
                Files.readString(file)
                        .replace("max-instruments-per-connection: 500", "max-instruments-per-connection: 400"));
        assertThatThrownBy(() -> feeds.register(read(file), DEC_1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in effect from 2026-12-03T00:00:00Z");
    }

    @Test
    void listsWithStatusAndDisables() throws IOException {
        FeedDefinition futures = read(uniqueFeed("kraken-futures"));
        feeds.register(futures, DEC_1);

        assertThat(feeds.disable(futures.name(), DEC_3)).isTrue();
        assertThat(feeds.disable(futures.name(), DEC_3)).isFalse();

        assertThat(feeds.list(Optional.of("disabled"), Optional.empty()))
                .extracting(f -> f.feed().name())
                .contains(futures.name());
        assertThat(feeds.list(Optional.of("active"), Optional.empty()))
                .extracting(f -> f.feed().name())
                .doesNotContain(futures.name());
        Feed.WithVersion listed = feeds.list(Optional.empty(), Optional.empty()).stream()
                .filter(f -> f.feed().name().equals(futures.name()))
                .findFirst()
                .orElseThrow();
        assertThat(listed.feed().disabledAt()).contains(DEC_3);
        assertThat(listed.version().orElseThrow().rateLimitPerSecond()).contains(100);
        assertThatThrownBy(() -> feeds.list(Optional.of("actve"), Optional.empty()))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining("Did you mean 'active'?");
    }

    @Test
    void calendarsAreRecordedOnFirstRegistration() throws IOException {
        FeedDefinition kraken = read(uniqueFeed("kraken"));
        FeedDefinition kalshi = read(uniqueFeed("kalshi"));
        feeds.register(kraken, DEC_1);
        feeds.register(kalshi, DEC_1);

        assertThat(feeds.calendar(kraken.name(), Optional.empty()).orElseThrow().schedule())
                .contains("24/7")
                .contains("continuous");
        assertThat(feeds.calendar(kalshi.name(), Optional.empty()).orElseThrow().schedule())
                .contains("per-market");
        assertThat(feeds.calendar(kalshi.name(), Optional.of(DEC_1.minusSeconds(1))))
                .isEmpty();
    }

    @Test
    void anUnknownFeedNamesTheClosest() throws IOException {
        feeds.register(FeedFiles.read(MetaDatabases.feedFile(dir, "kalshi"), "kalshi"), DEC_1);
        assertThatThrownBy(() -> feeds.version("kalshy", Optional.empty()))
                .isInstanceOf(UnknownNameException.class)
                .hasMessageContaining("unknown feed 'kalshy'. Did you mean 'kalshi'?")
                .hasMessageContaining("Known: ");
    }
}
