package io.ssmd.feeds.krakenfutures;

import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.decode;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.subject;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.systemSubject;
import static io.ssmd.feeds.krakenfutures.KrakenFuturesFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Classification and routing of single frames: data of several products, system frames, garbage, rejections. */
class KrakenFuturesDecoderTest {

    private static final List<String> INSTRUMENTS = List.of("PF_XBTUSD", "PF_ETHUSD");

    private final KrakenFuturesDecoder decoder = KrakenFuturesFixtures.decoder(INSTRUMENTS);

    @Test
    void framesOfSeveralProductsGoToEachProductsSubject() {
        String xbt =
                "{\"feed\":\"trade\",\"product_id\":\"PF_XBTUSD\",\"uid\":\"a\",\"side\":\"buy\",\"type\":\"fill\","
                        + "\"seq\":1,\"time\":1,\"qty\":0.0003,\"price\":65368.0}";
        String eth = xbt.replace("PF_XBTUSD", "PF_ETHUSD");
        String tickerEth =
                "{\"time\":1,\"product_id\":\"PF_ETHUSD\",\"feed\":\"ticker\",\"bid\":1907.3,\"ask\":1907.4}";
        assertThat(decode(decoder, xbt).messages())
                .extracting(Decoded.Routed::subject)
                .containsExactly(subject("trade", "PF_XBTUSD"));
        assertThat(decode(decoder, eth).messages())
                .extracting(Decoded.Routed::subject)
                .containsExactly(subject("trade", "PF_ETHUSD"));
        assertThat(decode(decoder, tickerEth).messages())
                .extracting(Decoded.Routed::subject)
                .containsExactly(subject("ticker", "PF_ETHUSD"));
    }

    @Test
    void aProductOutsideTheShardStillGetsASafeToken() {
        Decoded d = decode(decoder, "{\"feed\":\"ticker\",\"product_id\":\"FI_XBTUSD_260327.X\",\"bid\":1}");
        assertThat(d.kind()).isEqualTo(Kind.DATA);
        assertThat(d.messages())
                .extracting(Decoded.Routed::subject)
                .containsExactly(subject("ticker", "FI_XBTUSD_260327_X"));
    }

    /** A snapshot of three trades: three messages, element = position, each the envelope with one trade. */
    @Test
    void aTradeSnapshotBecomesOneSlicePerTrade() {
        String frame =
                "{\"feed\":\"trade_snapshot\",\"product_id\":\"PF_XBTUSD\",\"trades\":[{\"seq\":3,\"qty\":0.00010,"
                        + "\"price\":65360.0},{\"seq\":2,\"qty\":1e-4,\"price\":65361},{\"seq\":1,\"qty\":0.5,\"price\":65362.50}]}";
        Decoded d = decode(decoder, frame);
        assertThat(d.kind()).isEqualTo(Kind.DATA);
        assertThat(d.type()).isEqualTo("trade");
        assertThat(d.messages()).extracting(Decoded.Routed::element).containsExactly(0, 1, 2);
        assertThat(d.messages()).extracting(Decoded.Routed::subject).containsOnly(subject("trade", "PF_XBTUSD"));
        String envelope = "{\"feed\":\"trade_snapshot\",\"product_id\":\"PF_XBTUSD\",\"trades\":[";
        assertThat(d.messages())
                .extracting(m -> text(m.payload()))
                .containsExactly(
                        envelope + "{\"seq\":3,\"qty\":0.00010,\"price\":65360.0}]}",
                        envelope + "{\"seq\":2,\"qty\":1e-4,\"price\":65361}]}",
                        envelope + "{\"seq\":1,\"qty\":0.5,\"price\":65362.50}]}");
    }

    @Test
    void anEmptyTradeSnapshotIsPublishedWhole() {
        String frame = "{\"feed\":\"trade_snapshot\",\"product_id\":\"PF_XBTUSD\",\"trades\":[]}";
        Decoded d = decode(decoder, frame);
        assertThat(d.kind()).isEqualTo(Kind.DATA);
        assertThat(d.messages()).singleElement().satisfies(m -> {
            assertThat(text(m.payload())).isEqualTo(frame);
            assertThat(m.element()).isZero();
        });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"event\":\"info\",\"version\":1}",
                "{\"event\":\"subscribed\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}",
                "{\"event\":\"unsubscribed\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}",
                "{\"event\":\"unsubscribed_failed\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\"]}",
                "{\"event\":\"error\",\"message\":\"Json Error\"}",
                "{\"event\":\"alert\",\"message\":\"Failed to subscribe to authenticated feed\"}"
            })
    void venueEventsArePublishedWholeOnTheSystemSubject(String frame) {
        Decoded d = decode(decoder, frame);
        assertThat(d.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(d.type()).isEqualTo(frame.substring(10, frame.indexOf('"', 10)));
        assertThat(d.messages()).singleElement().satisfies(m -> {
            assertThat(m.subject()).isEqualTo(systemSubject());
            assertThat(text(m.payload())).isEqualTo(frame);
        });
        assertThat(d.rejections()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "not json",
                "{\"feed\":\"ticker\",\"product_id\":\"PF_XB",
                "{\"feed\":\"ticker\",\"product_id\":\"PF_XBTUSD\"}trailing",
                "[{\"feed\":\"ticker\"}]",
                "42",
                "\"text\"",
                "null",
                "{}",
                "{\"something\":\"else\"}",
                "{\"feed\":\"candles_trade_1m\",\"product_id\":\"PF_XBTUSD\"}",
                "{\"feed\":\"ticker\"}",
                "{\"feed\":\"book\",\"product_id\":\"\"}",
                "{\"feed\":7}",
                "{\"event\":\"surprise\"}",
                "{\"event\":\"subscribe\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\"]}",
                "{\"feed\":\"trade_snapshot\",\"product_id\":\"PF_XBTUSD\",\"trades\":{}}",
                "{\"ssmd_fault\":\"oversized\",\"padding\":\"xxxx\"}"
            })
    void anythingNotUnderstoodIsUnparsedWithAReason(String frame) {
        Decoded d = decode(decoder, frame);
        assertThat(d.kind()).isEqualTo(Kind.UNPARSED);
        assertThat(d.type()).isEqualTo("unparsed");
        assertThat(d.reason()).isNotBlank().hasSizeLessThan(210);
        assertThat(d.messages()).isEmpty();
    }

    @Test
    void invalidUtf8AndBinaryAreUnparsedNotThrown() {
        Decoded d = decoder.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        assertThat(d.kind()).isEqualTo(Kind.UNPARSED);
        Decoded half = decoder.decode("{\"feed\":\"tick".getBytes(StandardCharsets.UTF_8));
        assertThat(half.kind()).isEqualTo(Kind.UNPARSED);
    }

    @Test
    void aRefusedSubscriptionIsReportedPerProductAndStillPublished() {
        String frame = "{\"event\":\"subscribed_failed\",\"feed\":\"book\",\"product_ids\":[\"PF_NOPE\",\"PF_GONE\"]}";
        Decoded d = decode(decoder, frame);
        assertThat(d.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(d.type()).isEqualTo("subscribed_failed");
        assertThat(d.messages())
                .singleElement()
                .satisfies(m -> assertThat(text(m.payload())).isEqualTo(frame));
        assertThat(d.rejections())
                .containsExactly(
                        new Decoded.Rejection("PF_NOPE", "subscribed_failed on feed 'book'"),
                        new Decoded.Rejection("PF_GONE", "subscribed_failed on feed 'book'"));
    }

    @Test
    void aRefusalWithAMessageKeepsTheVenuesReason() {
        Decoded d = decode(
                decoder,
                "{\"event\":\"subscribed_failed\",\"feed\":\"ticker\",\"product_ids\":[\"PF_NOPE\"],"
                        + "\"message\":\"Invalid product id\"}");
        assertThat(d.rejections()).containsExactly(new Decoded.Rejection("PF_NOPE", "Invalid product id"));
    }

    @Test
    void heartbeatsAreCountedNotPublished() {
        Decoded d = decode(decoder, "{\"feed\":\"heartbeat\",\"time\":1791518718452}");
        assertThat(d.kind()).isEqualTo(Kind.HEARTBEAT);
        assertThat(d.messages()).isEmpty();
    }

    /**
     * The subscription's heartbeat ack is a system frame; every later one answers a keepalive (a heartbeat subscribe)
     * and is a pong, as is the replay server's answer to {@code ping}.
     */
    @Test
    void heartbeatAcksAfterTheFirstAndPongsArePongs() {
        answerProductFeeds(decoder);
        String ack = "{\"event\":\"subscribed\",\"feed\":\"heartbeat\"}";
        assertThat(decode(decoder, ack).kind()).isEqualTo(Kind.SYSTEM);
        assertThat(decode(decoder, ack).kind()).isEqualTo(Kind.PONG);
        assertThat(decode(decoder, ack).kind()).isEqualTo(Kind.PONG);
        assertThat(decode(decoder, "{\"event\":\"pong\"}").kind()).isEqualTo(Kind.PONG);
    }

    /**
     * A renewal takes the first pong for the answer to the probe it sends after the subscribes (DESIGN §17). The
     * heartbeat acks are all alike, so one that comes before every subscribe is answered (a keepalive sent before the
     * subscribes, or the heartbeat listed first) is no pong, nor is a heartbeat; the first after them is.
     */
    @Test
    void noHeartbeatAckIsAPongBeforeEverySubscribeIsAnswered() {
        String ack = "{\"event\":\"subscribed\",\"feed\":\"heartbeat\"}";
        assertThat(decode(decoder, ack).kind()).isEqualTo(Kind.SYSTEM);
        assertThat(decode(decoder, ack).kind()).isEqualTo(Kind.SYSTEM);
        assertThat(decode(decoder, "{\"feed\":\"heartbeat\",\"time\":1791518718452}")
                        .kind())
                .isEqualTo(Kind.HEARTBEAT);
        assertThat(decode(decoder, "{\"event\":\"subscribed\",\"feed\":\"book\",\"product_ids\":[\"PF_XBTUSD\"]}")
                        .kind())
                .isEqualTo(Kind.SYSTEM);
        assertThat(decode(decoder, ack).kind())
                .as("PF_ETHUSD's book not answered yet")
                .isEqualTo(Kind.SYSTEM);
        assertThat(decode(
                                decoder,
                                "{\"event\":\"subscribed_failed\",\"feed\":\"book\",\"product_ids\":[\"PF_ETHUSD\"]}")
                        .kind())
                .isEqualTo(Kind.SYSTEM);
        decode(decoder, "{\"event\":\"subscribed\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");
        assertThat(decode(decoder, ack).kind())
                .as("the ticker not answered yet")
                .isEqualTo(Kind.SYSTEM);
        decode(decoder, "{\"event\":\"subscribed\",\"feed\":\"ticker\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");

        assertThat(decode(decoder, ack).kind()).isEqualTo(Kind.PONG);
    }

    @Test
    void withoutAHeartbeatChannelEveryHeartbeatAckIsAPong() {
        KrakenFuturesSettings tradesOnly = new KrakenFuturesSettings(
                "kraken-futures",
                KrakenFuturesFixtures.settings(INSTRUMENTS).file(),
                KrakenFuturesFixtures.settings(INSTRUMENTS).websocket(),
                List.of(KrakenFuturesProtocol.Channel.TRADE),
                INSTRUMENTS);
        KrakenFuturesDecoder noHeartbeat =
                new KrakenFuturesDecoder(KrakenFuturesFixtures.shard(INSTRUMENTS), tradesOnly);
        decode(
                noHeartbeat,
                "{\"event\":\"subscribed\",\"feed\":\"trade\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");
        assertThat(decode(noHeartbeat, "{\"event\":\"subscribed\",\"feed\":\"heartbeat\"}")
                        .kind())
                .isEqualTo(Kind.PONG);
    }

    /** The venue's acks of the connection's product subscribes (book, trade, ticker of every product). */
    private static void answerProductFeeds(KrakenFuturesDecoder decoder) {
        for (String feed : List.of("book", "trade", "ticker")) {
            decode(
                    decoder,
                    "{\"event\":\"subscribed\",\"feed\":\"" + feed
                            + "\",\"product_ids\":[\"PF_XBTUSD\",\"PF_ETHUSD\"]}");
        }
    }

    @Test
    void dataFramesCarryNoRepliesOrResyncs() {
        Decoded d = decode(decoder, "{\"feed\":\"ticker\",\"product_id\":\"PF_XBTUSD\",\"bid\":65360.0}");
        assertThat(d.replies()).isEmpty();
        assertThat(d.resyncs()).isEmpty();
        assertThat(d.rejections()).isEmpty();
    }
}
