package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.model.Normalizer;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.core.shard.ShardContext;
import io.ssmd.core.shard.VenueConnector;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.kalshi.KalshiFeed;
import io.ssmd.feeds.kalshi.KalshiNormalizer;
import io.ssmd.feeds.kalshi.KalshiSettings;
import io.ssmd.feeds.kraken.KrakenNormalizer;
import io.ssmd.feeds.krakenfutures.KrakenFuturesNormalizer;
import io.ssmd.feeds.polymarket.PolymarketNormalizer;
import io.ssmd.feeds.shard.TestFeeds;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every frame of every venue's samples, through the connector a feed file builds ({@link Venues#wire}) and its
 * decoder, then through {@link VenueModule#normalizer()}: as the gateway will wire them. Per venue, the exact events per
 * type, no market-data message without events (but Kalshi's private fill), nothing from any other message.
 * The venue's archive capture, when /work/shared is there, adds its frames to the same checks.
 */
class NormalizersGoldenTest {

    private static final String ENV = "test";

    @TempDir
    Path dir;

    @Test
    void eachVenueHasItsOwnSharedNormalizer() {
        assertThat(Venues.of(Venue.KRAKEN).normalizer()).isInstanceOf(KrakenNormalizer.class);
        assertThat(Venues.of(Venue.KRAKEN_FUTURES).normalizer()).isInstanceOf(KrakenFuturesNormalizer.class);
        assertThat(Venues.of(Venue.POLYMARKET).normalizer()).isInstanceOf(PolymarketNormalizer.class);
        assertThat(Venues.of(Venue.KALSHI).normalizer()).isInstanceOf(KalshiNormalizer.class);
        for (Venue venue : Venue.values()) {
            assertThat(Venues.of(venue).normalizer()).isSameAs(Venues.of(venue).normalizer());
        }
    }

    @Test
    void kraken() throws IOException {
        NormalizedMessages out =
                run(Venue.KRAKEN, "wss://ws.kraken.com/v2", List.of("BTC/USD", "USDT/USD", "MATIC/USD"), false);
        assertThat(out.byType)
                .isEqualTo(Map.of(
                        "orderbook/BookSnapshot", 1, "orderbook/BookDelta", 2, "ticker/Ticker", 1, "trade/Trade", 1));
        assertThat(out.silentDataMessages).isZero();
    }

    @Test
    void krakenFutures() throws IOException {
        NormalizedMessages samples = run(
                Venue.KRAKEN_FUTURES,
                "wss://futures.kraken.com/ws/v1",
                List.of("PF_XBTUSD", "PF_ETHUSD", "PI_XBTUSD"),
                false);
        assertThat(samples.byType)
                .isEqualTo(Map.of(
                        "ticker/Ticker", 2, "trade/Trade", 4, "orderbook/BookSnapshot", 1, "orderbook/BookDelta", 1));
        assertThat(samples.silentDataMessages).isZero();
        withCapture(
                Venue.KRAKEN_FUTURES,
                "wss://futures.kraken.com/ws/v1",
                List.of("PF_XBTUSD", "PF_ETHUSD", "PI_XBTUSD"),
                Map.of("ticker/Ticker", 12, "trade/Trade", 14, "orderbook/BookSnapshot", 1, "orderbook/BookDelta", 1),
                0);
    }

    @Test
    void polymarket() throws IOException {
        List<String> assets = List.of(
                "48331043336612883890938759509493159234755048973500640148014422747788308965732",
                "65818619657568813474341868652308942079804919287380422192892211131408793125422");
        NormalizedMessages samples =
                run(Venue.POLYMARKET, "wss://ws-subscriptions-clob.polymarket.com/ws/market", assets, false);
        assertThat(samples.byType)
                .isEqualTo(Map.of(
                        "orderbook/BookSnapshot",
                        2,
                        "orderbook/BookDelta",
                        3,
                        "trade/Trade",
                        2,
                        "ticker/Ticker",
                        1,
                        "lifecycle/Lifecycle",
                        6));
        assertThat(samples.silentDataMessages).isZero();
        withCapture(
                Venue.POLYMARKET,
                "wss://ws-subscriptions-clob.polymarket.com/ws/market",
                assets,
                Map.of(
                        "orderbook/BookSnapshot",
                        12,
                        "orderbook/BookDelta",
                        3,
                        "trade/Trade",
                        12,
                        "ticker/Ticker",
                        1,
                        "lifecycle/Lifecycle",
                        6),
                0);
    }

    @Test
    void kalshi() throws IOException {
        List<String> markets = List.of("KXGOLDH-26AUG2711-T4615.99", "FED-23DEC-T3.00");
        NormalizedMessages samples =
                run(Venue.KALSHI, "wss://api.elections.kalshi.com/trade-api/ws/v2", markets, false);
        assertThat(samples.byType)
                .isEqualTo(Map.of(
                        "orderbook/BookSnapshot",
                        5,
                        "orderbook/BookDelta",
                        2,
                        "ticker/Ticker",
                        2,
                        "trade/Trade",
                        1,
                        "lifecycle/Lifecycle",
                        3));
        // The fill: the account's own execution, not market data for clients.
        assertThat(samples.silentDataMessages).isOne();
        withCapture(
                Venue.KALSHI,
                "wss://api.elections.kalshi.com/trade-api/ws/v2",
                markets,
                Map.of(
                        "orderbook/BookSnapshot",
                        5,
                        "orderbook/BookDelta",
                        2,
                        "ticker/Ticker",
                        16,
                        "trade/Trade",
                        12,
                        "lifecycle/Lifecycle",
                        5),
                1);
    }

    /** Samples and capture together, when the capture is there; says so when it is not. */
    private void withCapture(
            Venue venue, String websocket, List<String> instruments, Map<String, Integer> expected, int silent)
            throws IOException {
        Path capture = sharedCapture(venue);
        if (!Files.exists(capture)) {
            System.out.println("no archive capture at " + capture + " (ssmd.shared.dir): " + venue.id()
                    + " checked on its samples only");
            return;
        }
        NormalizedMessages both = run(venue, websocket, instruments, true);
        assertThat(both.byType).isEqualTo(expected);
        assertThat(both.silentDataMessages).isEqualTo(silent);
    }

    /** One connection's decoder over the venue's samples (and capture), every message normalized. */
    private NormalizedMessages run(Venue venue, String websocket, List<String> instruments, boolean withCapture)
            throws IOException {
        VenueConnector connector = connector(venue, websocket, instruments);
        FrameDecoder decoder = connector.decoder(ShardContext.of(ENV, venue.id(), venue.id() + "-0", instruments));
        Normalizer normalizer = Venues.of(venue).normalizer();
        NormalizedMessages out = new NormalizedMessages(normalizer, venue.id());
        List<String> lines = new ArrayList<>(samples(venue));
        if (withCapture) {
            lines.addAll(Files.readAllLines(sharedCapture(venue)).stream()
                    .filter(l -> !l.isBlank())
                    .toList());
        }
        for (String line : lines) {
            byte[] frame = line.getBytes(StandardCharsets.UTF_8);
            out.add(decoder.decode(frame), frame);
        }
        assertThat(out.dataMessages).isPositive();
        assertThat(out.otherMessages).isPositive();
        assertThat(out.eventsFromOtherMessages).isZero();
        return out;
    }

    /**
     * The connector of the shipped feed file for this venue, as {@link Venues#wire} builds it. Kalshi's feed
     * cannot be enabled without an account's credentials, so its connector is built from settings instead, unsigned
     * (the decoder does not depend on the signer).
     */
    private VenueConnector connector(Venue venue, String websocket, List<String> instruments) throws IOException {
        if (venue == Venue.KALSHI) {
            KalshiSettings settings = new KalshiSettings(
                    venue.id(),
                    URI.create(websocket),
                    Optional.empty(),
                    KalshiSettings.MARKET_CHANNELS,
                    true,
                    Optional.empty(),
                    List.of(),
                    List.of(),
                    List.of(),
                    200,
                    OptionalInt.empty(),
                    Duration.ZERO,
                    200,
                    3,
                    Duration.ZERO);
            return KalshiFeed.create(settings, Optional.empty(), ticker -> null);
        }
        Path envDir = Files.createTempDirectory(dir, venue.id());
        // Quoted: Polymarket's asset ids are all digits, which YAML would read as numbers.
        List<String> quoted = instruments.stream().map(i -> "\"" + i + "\"").toList();
        Environment environment = TestFeeds.environment(envDir, ENV, venue.id(), websocket, quoted, Map.of());
        EnabledFeed feed = TestFeeds.feed(environment, venue.id());
        return Venues.wire(feed).feed().connector();
    }

    private static List<String> samples(Venue venue) throws IOException {
        try (InputStream in = Objects.requireNonNull(
                NormalizersGoldenTest.class.getResourceAsStream("/" + venue.id() + "/messages.jsonl"),
                venue.id() + " samples")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }

    private static Path sharedCapture(Venue venue) {
        return Path.of(
                System.getProperty("ssmd.shared.dir", "../../shared"),
                "exchanges",
                venue.id(),
                "archive-capture.jsonl");
    }
}
