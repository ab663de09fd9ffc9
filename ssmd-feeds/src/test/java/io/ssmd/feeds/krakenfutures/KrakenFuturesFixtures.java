package io.ssmd.feeds.krakenfutures;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.EnvironmentLoader;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.ShardContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kraken Futures feed as the shipped configuration defines it ({@code exchanges/feeds/kraken-futures.yaml}, read
 * by the real loader), variants of it, and shard contexts for decoder tests.
 */
final class KrakenFuturesFixtures {

    static final String ENV = "test";
    static final String FEED = "kraken-futures";
    static final String SHARD = "kraken-futures-0";

    private KrakenFuturesFixtures() {}

    /** The shipped feed file with these instruments, loaded through an environment file written in {@code dir}. */
    static EnabledFeed shippedFeed(Path dir, List<String> instruments) {
        Path feeds = shippedExchanges().resolve("feeds");
        String yaml = "name: " + ENV + "\nfeeds-dir: " + feeds + "\nfeeds:\n  " + FEED + ":\n    enabled: true\n"
                + "    instruments: [" + String.join(", ", instruments) + "]\n";
        try {
            Path env = Files.writeString(dir.resolve(ENV + ".yaml"), yaml);
            return EnvironmentLoader.load(env, Map.of()).feed(FEED).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feed with another definition (channels, book depth...), everything else the same. */
    static EnabledFeed withDefinition(EnabledFeed feed, FeedDefinition definition) {
        return new EnabledFeed(
                definition, feed.instruments(), feed.tokens(), feed.categories(), feed.discovery(), feed.credentials());
    }

    static FeedDefinition withChannels(FeedDefinition d, List<String> channels) {
        return new FeedDefinition(
                d.file(),
                d.name(),
                d.venue(),
                d.endpoints(),
                channels,
                d.limits(),
                d.keepalive(),
                d.reconnect(),
                d.auth(),
                d.book());
    }

    static FeedDefinition withBook(FeedDefinition d, FeedDefinition.BookDepth book) {
        return new FeedDefinition(
                d.file(),
                d.name(),
                d.venue(),
                d.endpoints(),
                d.channels(),
                d.limits(),
                d.keepalive(),
                d.reconnect(),
                d.auth(),
                Optional.of(book));
    }

    static FeedDefinition withWebsocket(FeedDefinition d, URI websocket) {
        return new FeedDefinition(
                d.file(),
                d.name(),
                d.venue(),
                new FeedDefinition.Endpoints(
                        websocket, d.endpoints().rest(), d.endpoints().discovery()),
                d.channels(),
                d.limits(),
                d.keepalive(),
                d.reconnect(),
                d.auth(),
                d.book());
    }

    /** Settings as the shipped feed file has them (book, trade, ticker, heartbeat), without reading it. */
    static KrakenFuturesSettings settings(List<String> instruments) {
        return new KrakenFuturesSettings(
                FEED,
                Path.of("kraken-futures.yaml"),
                URI.create("wss://futures.kraken.com/ws/v1"),
                List.of(
                        KrakenFuturesProtocol.Channel.BOOK, KrakenFuturesProtocol.Channel.TRADE,
                        KrakenFuturesProtocol.Channel.TICKER, KrakenFuturesProtocol.Channel.HEARTBEAT),
                instruments);
    }

    static ShardContext shard(List<String> instruments) {
        return ShardContext.of(ENV, FEED, SHARD, instruments);
    }

    /** A decoder for a shard of these instruments, with the shipped channels. */
    static KrakenFuturesDecoder decoder(List<String> instruments) {
        return new KrakenFuturesDecoder(shard(instruments), settings(instruments));
    }

    static Decoded decode(KrakenFuturesDecoder decoder, String frame) {
        return decoder.decode(bytes(frame));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String subject(String type, String token) {
        return ENV + "." + FEED + ".json." + type + "." + token;
    }

    static String systemSubject() {
        return ENV + "." + FEED + ".json.system." + SHARD;
    }

    /** The repository's {@code exchanges/} directory, found from the module's working directory. */
    static Path shippedExchanges() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("exchanges/feeds/kraken-futures.yaml"))) {
                return dir.resolve("exchanges");
            }
        }
        throw new IllegalStateException("exchanges/feeds/kraken-futures.yaml not found above the working directory");
    }
}
