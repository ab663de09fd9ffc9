package io.ssmd.feeds.kraken;

import static io.ssmd.feeds.kraken.KrakenFeedFixture.bytes;
import static io.ssmd.feeds.kraken.KrakenFeedFixture.subject;
import static io.ssmd.feeds.kraken.KrakenTestServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.FrameDecoder;
import io.ssmd.feeds.replay.WsTestClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The connector against the Kraken replay server over a real WebSocket: the JDK client is the transport, the frames
 * sent are the connector's own (subscribe, keepalive, resync replies) and every frame received goes through its
 * decoder, as the shard will do.
 */
class KrakenConnectorReplayTest {

    private static final ActorTestKit TESTKIT = ActorTestKit.create();
    private static final List<String> SYMBOLS = List.of("BTC/USD", "ETH/USD", "SOL/USD");
    /** Frames per second: enough for thousands in a few seconds, few enough that the client never falls far behind. */
    private static final int RATE = 2_000;

    @AfterAll
    static void shutdown() {
        TESTKIT.shutdownTestKit();
    }

    /** One connection: the socket, the connector's decoder, and what it decoded so far. */
    private static final class Connection {
        final WsTestClient client;
        final FrameDecoder decoder;
        final Map<String, Integer> counts = new TreeMap<>();
        final Set<String> subjects = new HashSet<>();
        final List<Decoded.Resync> resyncs = new ArrayList<>();
        final List<Decoded.Rejection> rejections = new ArrayList<>();
        int frames;
        int splitFrames;

        Connection(KrakenTestServer server, KrakenFeed feed) {
            client = server.client();
            decoder = feed.decoder(KrakenFeedFixture.context(SYMBOLS));
        }

        /** Decodes the next frame; the frame's text and what it decoded to. */
        Decoded next(StringBuilder text) throws InterruptedException {
            String frame = client.next(WAIT);
            text.setLength(0);
            text.append(frame);
            Decoded decoded = decoder.decode(bytes(frame));
            frames++;
            counts.merge(decoded.kind() + " " + decoded.type(), 1, Integer::sum);
            decoded.messages().forEach(m -> subjects.add(m.subject()));
            resyncs.addAll(decoded.resyncs());
            rejections.addAll(decoded.rejections());
            if (decoded.messages().size() > 1) {
                splitFrames++;
            }
            return decoded;
        }

        /** Decodes frames until one satisfies {@code until}; returns its text. */
        String until(Predicate<String> until) throws InterruptedException {
            StringBuilder text = new StringBuilder();
            do {
                next(text);
            } while (!until.test(text.toString()));
            return text.toString();
        }

        int count(String kindAndType) {
            return counts.getOrDefault(kindAndType, 0);
        }
    }

    private static KrakenTestServer server(long seed) {
        return KrakenTestServer.start(TESTKIT.system(), KrakenTestServer.synthetic(RATE, seed));
    }

    private static KrakenFeed feed() {
        return KrakenFeed.create(KrakenFeedFixture.settings(25, SYMBOLS));
    }

    private static void subscribe(Connection connection, KrakenFeed feed) {
        feed.subscribe(SYMBOLS).forEach(connection.client::send);
        connection.client.send(feed.keepalive().orElseThrow());
    }

    @Test
    void thousandsOfSyntheticFramesDecodeWithNothingUnparsedAndEveryBookChecked() throws Exception {
        KrakenFeed feed = feed();
        try (KrakenTestServer server = server(21)) {
            Connection connection = new Connection(server, feed);
            try (WsTestClient ignored = connection.client) {
                subscribe(connection, feed);
                connection.until(frame -> connection.frames >= 5_000);
            }
            assertThat(connection.count("UNPARSED unparsed")).isZero();
            assertThat(connection.resyncs).isEmpty();
            assertThat(connection.rejections).isEmpty();
            assertThat(connection.count("SYSTEM status")).isEqualTo(1);
            // One ack per symbol and channel.
            assertThat(connection.count("SYSTEM subscribe")).isEqualTo(9);
            assertThat(connection.count("PONG pong")).isEqualTo(1);
            assertThat(connection.count("DATA orderbook")).isGreaterThan(1_000);
            assertThat(connection.count("DATA trade")).isGreaterThan(500);
            assertThat(connection.count("DATA ticker")).isGreaterThan(500);
            assertThat(connection.splitFrames).isGreaterThan(100);
            for (String symbol : SYMBOLS) {
                for (String type : List.of("orderbook", "trade", "ticker")) {
                    assertThat(connection.subjects).contains(subject(type, symbol));
                }
                assertThat(((KrakenDecoder) connection.decoder).checking(symbol))
                        .isTrue();
            }
        }
    }

    @Test
    void aBadChecksumResyncsExactlyThatBookAndItsRepliesBringItBack() throws Exception {
        KrakenFeed feed = feed();
        try (KrakenTestServer server = server(22)) {
            Connection connection = new Connection(server, feed);
            KrakenDecoder decoder = (KrakenDecoder) connection.decoder;
            try (WsTestClient client = connection.client) {
                subscribe(connection, feed);
                connection.until(frame -> connection.frames >= 1_000);
                assertThat(connection.resyncs).isEmpty();

                server.faults().badChecksum().add(1);
                StringBuilder text = new StringBuilder();
                Decoded broken;
                do {
                    broken = connection.next(text);
                } while (broken.resyncs().isEmpty());
                // The fault hits the first book entry of one update: that symbol, and only it.
                String symbol = ClientBook.entries(text.toString()).get(0).symbol();
                assertThat(broken.resyncs())
                        .singleElement()
                        .satisfies(r -> assertThat(r.instrument()).isEqualTo(symbol));
                assertThat(broken.replies()).hasSize(2);
                assertThat(decoder.checking(symbol)).isFalse();

                broken.replies().forEach(client::send);
                connection.until(f -> f.startsWith("{\"method\":\"unsubscribe\"") && f.contains("\"success\":true"));
                connection.until(
                        f -> f.startsWith("{\"method\":\"subscribe\",\"req_id\":5") && f.contains("\"success\":true"));
                connection.until(f -> f.startsWith("{\"channel\":\"book\",\"type\":\"snapshot\"")
                        && f.contains("\"symbol\":\"" + symbol + "\""));
                assertThat(decoder.checking(symbol)).isTrue();

                int checkedUpdates = 0;
                for (int i = 0; i < 1_500; i++) {
                    String frame = connection.until(f -> true);
                    if (frame.startsWith("{\"channel\":\"book\",\"type\":\"update\"")
                            && frame.contains("\"symbol\":\"" + symbol + "\"")) {
                        checkedUpdates++;
                    }
                }
                assertThat(checkedUpdates).isGreaterThan(50);
                assertThat(decoder.checking(symbol)).isTrue();
            }
            assertThat(connection.resyncs).hasSize(1);
            assertThat(connection.count("UNPARSED unparsed")).isZero();
            SYMBOLS.forEach(s -> assertThat(decoder.checking(s)).as(s).isTrue());
        }
    }

    @Test
    void aRefusedSymbolIsReportedOnEachChannelWhileTheOthersStream() throws Exception {
        KrakenFeed feed = feed();
        try (KrakenTestServer server = server(23)) {
            server.faults().reject(List.of("ETH/USD"));
            Connection connection = new Connection(server, feed);
            try (WsTestClient ignored = connection.client) {
                subscribe(connection, feed);
                connection.until(frame -> connection.frames >= 1_000);
            }
            assertThat(connection.rejections).hasSize(3).allSatisfy(r -> {
                assertThat(r.instrument()).isEqualTo("ETH/USD");
                assertThat(r.reason()).isEqualTo("Currency pair not supported ETH/USD");
            });
            assertThat(connection.count("SYSTEM error")).isEqualTo(3);
            assertThat(connection.count("SYSTEM subscribe")).isEqualTo(6);
            assertThat(connection.subjects)
                    .doesNotContain(subject("orderbook", "ETH/USD"))
                    .contains(subject("orderbook", "BTC/USD"), subject("ticker", "SOL/USD"));
            assertThat(connection.count("UNPARSED unparsed")).isZero();
            assertThat(connection.resyncs).isEmpty();
        }
    }
}
