package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.replay.Faults;
import io.ssmd.feeds.replay.ReplayServer;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the CLI, the demo and the benchmark rely on, for every venue: the registry has one module per venue, builds
 * its replay server, and the subscribe frames it hands out really do bring data.
 */
class VenuesTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    static List<String> venues() {
        return Venues.ids();
    }

    @ParameterizedTest
    @MethodSource("venues")
    void theSubscribeFramesOfEveryVenueBringDataFrames(String venue) throws Exception {
        ReplaySettings settings = ReplaySettings.synthetic(venue, 0, 200, 7);
        VenueServer server = Venues.byId(settings.venue()).replayServer(settings);
        assertThat(server.venue()).isEqualTo(venue);
        ServerBinding binding = ReplayServer.create(TESTKIT.system(), server, settings, new Faults())
                .bind()
                .toCompletableFuture()
                .join();
        List<String> instruments = Venues.byId(venue).defaultInstruments();
        URI uri = URI.create("ws://127.0.0.1:" + binding.localAddress().getPort() + server.websocketPath());
        Map<String, String> headers = venue.equals("kalshi")
                ? Map.of(
                        "KALSHI-ACCESS-KEY",
                        "test",
                        "KALSHI-ACCESS-TIMESTAMP",
                        Long.toString(System.currentTimeMillis()),
                        "KALSHI-ACCESS-SIGNATURE",
                        "x")
                : Map.of();
        try (WsTestClient client = WsTestClient.connect(uri, headers)) {
            Venues.byId(venue).subscribeMessages(instruments).forEach(client::send);
            // Every venue names the instrument in its data frames: wait for one that names the first default.
            String first = instruments.get(0);
            String frame = client.nextMatching(
                    f -> f.contains(first) && !f.contains("\"subscribe") && !f.contains("\"subscribed\""), WAIT);
            assertThat(frame).contains(first);
        } finally {
            binding.unbind().toCompletableFuture().join();
        }
    }

    @Test
    void syntheticUniversesStartWithTheDefaultsAndHaveTheSizeAsked() {
        for (String venue : Venues.ids()) {
            List<String> defaults = Venues.byId(venue).defaultInstruments();
            List<String> many = Venues.byId(venue).syntheticInstruments(defaults.size() + 20);
            assertThat(many).hasSize(defaults.size() + 20).doesNotHaveDuplicates();
            assertThat(many.subList(0, defaults.size())).isEqualTo(defaults);
        }
    }

    @Test
    void anUnknownVenueNamesTheVenues() {
        assertThatThrownBy(() -> Venues.byId("binance"))
                .hasMessageContaining("binance")
                .hasMessageContaining("kraken-futures");
    }

    @Test
    void aMistypedVenueGetsTheClosestOne() {
        assertThatThrownBy(() -> Venues.byId("krakenfutures")).hasMessageContaining("did you mean kraken-futures?");
    }

    @Test
    void everyVenueHasOneModuleOfItsOwnVenue() {
        for (Venue venue : Venue.values()) {
            assertThat(Venues.of(venue).venue()).isEqualTo(venue);
            assertThat(Venues.byId(venue.id())).isSameAs(Venues.of(venue));
        }
        assertThat(Venues.ids()).containsExactly("kraken", "kraken-futures", "kalshi", "polymarket");
    }

    @Test
    void livenessOnAChannelWithoutPerInstrumentDataIsRefusedNamingTheKeyAndTheWatchableChannels(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        io.ssmd.core.config.Environment environment = io.ssmd.feeds.shard.TestFeeds.environment(
                dir,
                "lv",
                "kraken-futures",
                "ws://127.0.0.1:9/ws/v1",
                List.of("PF_XBTUSD"),
                Map.of("    ticker: 2m", "    ticker: 2m\n    heartbeat: 2m"));

        assertThatThrownBy(() -> Venues.wire(environment.feeds().get(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kraken-futures.yaml: liveness.quiet-time.heartbeat:")
                .hasMessageEndingWith("watchable: book, trade, ticker");
    }

    @Test
    void theShippedKrakenFeedsWatchTheirBooksAndTickers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        for (String venue : List.of("kraken", "kraken-futures")) {
            io.ssmd.core.config.Environment environment = io.ssmd.feeds.shard.TestFeeds.environment(
                    dir.resolve(venue),
                    "lv",
                    venue,
                    "ws://127.0.0.1:9/ws",
                    List.of(venue.equals("kraken") ? "BTC/USD" : "PF_XBTUSD"),
                    Map.of());
            io.ssmd.core.shard.VenueConnector connector =
                    Venues.wire(environment.feeds().get(0)).feed().connector();
            assertThat(connector.subjectType("book")).as(venue).contains("orderbook");
            assertThat(connector.subjectType("ticker")).as(venue).contains("ticker");
            assertThat(connector.resubscribe("book", List.of("X"))).as(venue).hasSize(2);
        }
    }
}
