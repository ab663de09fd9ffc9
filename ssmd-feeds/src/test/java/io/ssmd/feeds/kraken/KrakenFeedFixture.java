package io.ssmd.feeds.kraken;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.FeedAuth;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.subject.Subjects;
import io.ssmd.core.subject.Venue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Kraken feeds, settings and shard contexts for the connector's tests. */
final class KrakenFeedFixture {

    static final String ENV = "test";
    static final String SHARD = "kraken-0";
    static final Path FEED_FILE = Path.of("exchanges/feeds/kraken.yaml");

    private KrakenFeedFixture() {}

    /** The kraken feed of the shipped default environment, loaded and validated by ssmd's own config loader. */
    static EnabledFeed shipped() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path env = dir.resolve("exchanges/environments/default.yaml");
            if (Files.isRegularFile(env)) {
                Environment environment = EnvironmentLoader.load(env, Map.of());
                return environment.feed("kraken").orElseThrow();
            }
        }
        throw new IllegalStateException("exchanges/environments/default.yaml not found above the working directory");
    }

    /** A kraken feed as the loader would give it, with these channels, book section and instruments. */
    static EnabledFeed feed(URI websocket, List<String> channels, Optional<Integer> depth, List<String> instruments) {
        return feed(Venue.KRAKEN, websocket, channels, depth, instruments);
    }

    static EnabledFeed feed(
            Venue venue, URI websocket, List<String> channels, Optional<Integer> depth, List<String> instruments) {
        FeedDefinition definition = new FeedDefinition(
                FEED_FILE,
                "kraken",
                venue,
                new FeedDefinition.Endpoints(websocket, Optional.empty(), Optional.empty()),
                channels,
                new FeedDefinition.Limits(100, 4 * 1024 * 1024, OptionalInt.empty()),
                new FeedDefinition.Keepalive(
                        Optional.of(Duration.ofSeconds(30)),
                        Duration.ofSeconds(10),
                        Optional.of(Duration.ofSeconds(60))),
                new FeedDefinition.Reconnect(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2),
                FeedAuth.None.INSTANCE,
                depth.map(d -> new FeedDefinition.BookDepth(d, List.of(d))));
        return new EnabledFeed(
                definition,
                instruments,
                Subjects.tokens("kraken", instruments),
                List.of(),
                Optional.empty(),
                Optional.empty());
    }

    /** Settings for book, trade and ticker at this depth. */
    static KrakenSettings settings(int depth, List<String> instruments) {
        return KrakenSettings.create(feed(
                URI.create("wss://ws.kraken.com/v2"),
                List.of("book", "trade", "ticker"),
                Optional.of(depth),
                instruments));
    }

    static ShardContext context(List<String> instruments) {
        return ShardContext.of(ENV, "kraken", SHARD, instruments);
    }

    /** A decoder of a depth-10 shard carrying these instruments. */
    static KrakenDecoder decoder(List<String> instruments) {
        return KrakenDecoder.create(context(instruments), settings(10, instruments));
    }

    static byte[] bytes(String frame) {
        return frame.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Decoded.Routed routed) {
        return new String(routed.payload(), StandardCharsets.UTF_8);
    }

    static String system() {
        return Subjects.system(ENV, "kraken", SHARD);
    }

    static String subject(String type, String symbol) {
        return Subjects.marketData(ENV, "kraken", type, Subjects.token(symbol));
    }
}
