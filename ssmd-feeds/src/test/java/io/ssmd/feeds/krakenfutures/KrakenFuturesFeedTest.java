package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.withBook;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.withChannels;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.withDefinition;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesTestServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ssmd.core.config.Discovery;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.shard.ConnectTarget;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.core.subject.Venue;
import io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol.Channel;
import io.ssmd.feeds.replay.WsTestClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector from the shipped feed file: settings and their checks, the exact subscribe and keepalive frames, and
 * that the replay server accepts and answers them as the venue does.
 */
class KrakenFuturesFeedTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final List<String> INSTRUMENTS = List.of("PF_XBTUSD", "PF_ETHUSD");

    @TempDir
    static Path dir;

    private static EnabledFeed shipped;

    @BeforeAll
    static void load() {
        shipped = KrakenFuturesFixtures.shippedFeed(dir, INSTRUMENTS);
    }

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    @Test
    void settingsComeFromTheShippedFeedFile() {
        KrakenFuturesSettings settings = KrakenFuturesSettings.create(shipped);
        assertThat(settings.feed()).isEqualTo("kraken-futures");
        assertThat(settings.websocket()).isEqualTo(URI.create("wss://futures.kraken.com/ws/v1"));
        assertThat(settings.channels()).containsExactly(Channel.BOOK, Channel.TRADE, Channel.TICKER, Channel.HEARTBEAT);
        assertThat(settings.instruments()).containsExactlyElementsOf(INSTRUMENTS);
        assertThat(settings.file().getFileName()).hasToString("kraken-futures.yaml");
    }

    @Test
    void theConnectorTargetsTheConfiguredWebsocket() {
        KrakenFuturesFeed feed = KrakenFuturesFeed.create(shipped);
        assertThat(feed.venue()).isEqualTo("kraken-futures");
        assertThat(feed.target()).isEqualTo(ConnectTarget.of(URI.create("wss://futures.kraken.com/ws/v1")));
    }

    /** The request shape of PROTOCOLS.md §3 and exchanges/kraken-futures lines 2, 4 and 5, one per feed. */
    @Test
    void subscribeSendsOneRequestPerConfiguredFeedInTheVenuesShape() {
        assertThat(KrakenFuturesFeed.create(shipped).subscribe(INSTRUMENTS))
                .containsExactly(
                        "{\"event\":\"subscribe\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}",
                        "{\"event\":\"subscribe\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}",
                        "{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}",
                        "{\"event\":\"subscribe\",\"feed\":\"heartbeat\"}");
        assertThat(KrakenFuturesFeed.create(shipped)
                        .subscribe(List.of("PF_XBTUSD"))
                        .get(2))
                .isEqualTo(KrakenFuturesTestServer.sample(2));
        assertThat(KrakenFuturesFeed.create(shipped).subscribe(List.of()))
                .containsExactly(KrakenFuturesTestServer.sample(5));
    }

    @Test
    void theKeepaliveIsTheDocumentedHeartbeatSubscribe() {
        assertThat(KrakenFuturesFeed.create(shipped).keepalive()).contains(KrakenFuturesTestServer.sample(5));
    }

    @Test
    void productIdsAreEscapedAsJson() {
        assertThat(KrakenFuturesProtocol.subscribe(Channel.TICKER, List.of("PF_\"X\\")))
                .isEqualTo("{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_\\\"X\\\\\"]}");
    }

    @Test
    void anUnsupportedChannelIsRejectedNamingTheFileAndKey() {
        EnabledFeed candles =
                withDefinition(shipped, withChannels(shipped.definition(), List.of("book", "candles_trade_1m")));
        assertThatThrownBy(() -> KrakenFuturesSettings.create(candles))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kraken-futures.yaml: channels: 'candles_trade_1m' is not a Kraken Futures feed")
                .hasMessageContaining("book, trade, ticker, heartbeat");
    }

    @Test
    void onlyTheHeartbeatWouldCaptureNothing() {
        EnabledFeed heartbeatOnly = withDefinition(shipped, withChannels(shipped.definition(), List.of("heartbeat")));
        assertThatThrownBy(() -> KrakenFuturesSettings.create(heartbeatOnly))
                .hasMessageContaining("kraken-futures.yaml: channels: has no market-data feed");
    }

    @Test
    void aBookDepthIsRejectedBecauseTheVenueTakesNone() {
        EnabledFeed deep = withDefinition(
                shipped, withBook(shipped.definition(), new FeedDefinition.BookDepth(10, List.of(10, 25))));
        assertThatThrownBy(() -> KrakenFuturesSettings.create(deep))
                .hasMessageContaining("kraken-futures.yaml: book: Kraken Futures book subscriptions take no depth");
    }

    @Test
    void anotherVenuesFeedIsRejected() {
        FeedDefinition d = shipped.definition();
        FeedDefinition kraken = new FeedDefinition(
                d.file(),
                d.name(),
                Venue.KRAKEN,
                d.endpoints(),
                d.channels(),
                d.limits(),
                d.keepalive(),
                d.reconnect(),
                d.auth(),
                d.book());
        assertThatThrownBy(() -> KrakenFuturesFeed.create(withDefinition(shipped, kraken)))
                .hasMessageContaining("kraken-futures.yaml: venue: expected kraken-futures for a kraken-futures"
                        + " connector, got kraken");
    }

    @Test
    void discoveryIsRejectedBecauseTheVenueHasNoneInSsmd() {
        EnabledFeed discovering = new EnabledFeed(
                shipped.definition(),
                shipped.instruments(),
                shipped.tokens(),
                List.of(),
                Optional.of(new Discovery(OptionalInt.empty())),
                Optional.empty());
        assertThatThrownBy(() -> KrakenFuturesSettings.create(discovering))
                .hasMessageContaining("feeds.kraken-futures.discovery");
    }

    /**
     * Against the replay server: every subscribe frame is acknowledged, the keepalive's answer is a pong to the
     * decoder and brings a heartbeat, and the resubscribe replies of a broken book bring a fresh snapshot.
     */
    @Test
    void theReplayServerAcceptsTheSubscribeKeepaliveAndResubscribeFrames() throws Exception {
        try (KrakenFuturesTestServer server =
                KrakenFuturesTestServer.start(TESTKIT.system(), KrakenFuturesTestServer.synthetic(200))) {
            KrakenFuturesFeed feed = KrakenFuturesFeed.create(withDefinition(
                    shipped,
                    KrakenFuturesFixtures.withWebsocket(
                            shipped.definition(), URI.create("ws://127.0.0.1:" + server.port() + "/ws/v1"))));
            KrakenFuturesDecoder decoder =
                    (KrakenFuturesDecoder) feed.decoder(KrakenFuturesFixtures.shard(INSTRUMENTS));
            WsTestClient client = server.client();
            feed.subscribe(INSTRUMENTS).forEach(client::send);
            for (String feedName : List.of("book", "trade", "ticker")) {
                String ack = client.nextMatching(f -> f.startsWith("{\"event\""), WAIT);
                assertThat(ack)
                        .isEqualTo("{\"event\":\"subscribed\",\"feed\":\"" + feedName
                                + "\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");
                assertThat(decode(decoder, ack)).isEqualTo(Kind.SYSTEM);
            }
            String heartbeatAck = client.nextMatching(f -> f.startsWith("{\"event\""), WAIT);
            assertThat(heartbeatAck).isEqualTo("{\"event\":\"subscribed\",\"feed\":\"heartbeat\"}");
            assertThat(decode(decoder, heartbeatAck)).isEqualTo(Kind.SYSTEM);

            client.send(feed.keepalive().orElseThrow());
            String keepaliveAnswer = client.nextMatching(f -> f.startsWith("{\"event\""), WAIT);
            assertThat(decode(decoder, keepaliveAnswer)).isEqualTo(Kind.PONG);
            assertThat(decode(decoder, client.nextMatching(f -> f.startsWith("{\"feed\":\"heartbeat\""), WAIT)))
                    .isEqualTo(Kind.HEARTBEAT);

            // What the decoder sends for a broken PF_ETHUSD book: the venue starts that book over with a snapshot.
            List.of(
                            KrakenFuturesProtocol.unsubscribe(Channel.BOOK, List.of("PF_ETHUSD")),
                            KrakenFuturesProtocol.subscribe(Channel.BOOK, List.of("PF_ETHUSD")))
                    .forEach(client::send);
            assertThat(client.nextMatching(f -> f.startsWith("{\"event\""), WAIT))
                    .isEqualTo("{\"event\":\"unsubscribed\",\"feed\":\"book\",\"product_ids\":[\"PF_ETHUSD\"]}");
            assertThat(client.nextMatching(f -> f.startsWith("{\"event\""), WAIT))
                    .isEqualTo("{\"event\":\"subscribed\",\"feed\":\"book\",\"product_ids\":[\"PF_ETHUSD\"]}");
            String snapshot = client.nextMatching(f -> f.startsWith("{\"feed\":\"book_snapshot\""), WAIT);
            assertThat(snapshot).startsWith("{\"feed\":\"book_snapshot\",\"product_id\":\"PF_ETHUSD\"");
        }
    }

    private static Kind decode(KrakenFuturesDecoder decoder, String frame) {
        return KrakenFuturesFixtures.decode(decoder, frame).kind();
    }
}
