package io.ssmd.feeds.kalshi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.Decoded;
import io.ssmd.core.shard.Decoded.Kind;
import io.ssmd.core.shard.ShardContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Books, sequence checks, acks and refusals of one Kalshi connection, frame by frame. */
class KalshiDecoderTest {

    private static final String A = "KXGOLDH-26AUG2711-T4615.99";
    private static final String B = "KXGOLDH-26AUG2711-T4617.99";
    private static final String C = "KXETHD-26FEB1217-T1819.99";

    private final KalshiDecoder decoder = KalshiDecoderGoldenTest.decoder(List.of(A, B));

    private Decoded decode(String frame) {
        return decoder.decode(frame.getBytes(StandardCharsets.UTF_8));
    }

    private static String snapshot(int sid, long seq, String ticker) {
        return "{\"type\":\"orderbook_snapshot\",\"sid\":" + sid + ",\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\""
                + ticker + "\",\"market_id\":\"\",\"yes_dollars_fp\":[[\"0.0100\",\"1410.00\"]],"
                + "\"no_dollars_fp\":[[\"0.0200\",\"2500.00\"]]}}";
    }

    private static String delta(int sid, Object seq, String ticker, String price, String delta) {
        return "{\"type\":\"orderbook_delta\",\"sid\":" + sid + ",\"seq\":" + seq + ",\"msg\":{\"market_ticker\":\""
                + ticker + "\",\"price_dollars\":" + price + ",\"delta_fp\":" + delta + ",\"side\":\"yes\"}}";
    }

    /** The acks of the shard's one subscribe (id 1), as Kalshi sends them, then snapshots of A and B on sid 1. */
    private void subscribedWithBooks() {
        decode("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":1}}");
        decode("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"ticker\",\"sid\":2}}");
        assertThat(decode(snapshot(1, 1, A)).resyncs()).isEmpty();
        assertThat(decode(snapshot(1, 2, B)).resyncs()).isEmpty();
    }

    @Test
    void theSubscribeBatchesAreTiedToTheirSids() {
        subscribedWithBooks();
        assertThat(decoder.sids().markets(1)).containsExactly(A, B);
        assertThat(decoder.sids().markets(2)).containsExactly(A, B);
        assertThat(decoder.sids().isBook(1)).isTrue();
        assertThat(decoder.sids().isBook(2)).isFalse();
    }

    @Test
    void deltasApplySignedIncrementsToBidsOnBothSides() {
        subscribedWithBooks();
        assertThat(decode(delta(1, 3, A, "\"0.0100\"", "\"-10.50\"")).resyncs()).isEmpty();
        assertThat(decode(delta(1, 4, A, "\"0.03\"", "\"5.00\"")).resyncs()).isEmpty();
        KalshiLocalBook book = decoder.book(A).orElseThrow();
        assertThat(book.size("yes", "0.01")).isEqualByComparingTo("1399.50");
        assertThat(book.size("yes", "0.0300")).isEqualByComparingTo("5");
        assertThat(book.size("no", "0.02")).isEqualByComparingTo("2500");
        decode(delta(1, 5, A, "\"0.030\"", "\"-5.00\""));
        assertThat(book.depth("yes")).isEqualTo(1);
    }

    @Test
    void aSeqGapResynchronizesOnlyThatSidsMarkets() {
        subscribedWithBooks();
        // C's book lives on another sid of this connection (as after an earlier resync of C): it must not be touched.
        decode("{\"type\":\"subscribed\",\"id\":7,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":5}}");
        decode(snapshot(5, 1, C));

        Decoded gap = decode(delta(1, 4, A, "\"0.0100\"", "\"1.00\""));

        assertThat(gap.kind()).isEqualTo(Kind.DATA);
        assertThat(gap.messages()).hasSize(1);
        assertThat(gap.resyncs()).extracting(Decoded.Resync::instrument).containsExactly(A, B);
        assertThat(gap.resyncs().get(0).reason()).isEqualTo("seq gap on sid 1: expected 3, got 4");
        assertThat(gap.replies())
                .containsExactly(
                        "{\"id\":1000000,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}",
                        "{\"id\":1000001,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],"
                                + "\"market_tickers\":[\"" + A + "\",\"" + B + "\"]}}");
        // sid 5 goes on being checked; sid 1's late frames are published, never resynced twice.
        assertThat(decoder.book(C)).isPresent();
        assertThat(decode(delta(5, 2, C, "\"0.0100\"", "\"1.00\"")).resyncs()).isEmpty();
        assertThat(decode(delta(1, 9, A, "\"0.0100\"", "\"1.00\"")).resyncs()).isEmpty();
        // The new sid's ack ties it to the resubscribed markets; its snapshot starts a checked book again.
        decode("{\"type\":\"unsubscribed\",\"id\":1000000,\"sid\":1,\"seq\":10}");
        decode("{\"type\":\"subscribed\",\"id\":1000001,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":6}}");
        assertThat(decoder.sids().markets(6)).containsExactly(A, B);
        decode(snapshot(6, 1, A));
        assertThat(decoder.book(A)).isPresent();
        assertThat(decode(delta(6, 3, A, "\"0.0100\"", "\"1.00\"")).resyncs()).hasSize(2);
    }

    @Test
    void anOkToUpdateSubscriptionConsumesASeqAndIsNoGap() {
        subscribedWithBooks();
        Decoded ok = decode("{\"type\":\"ok\",\"id\":2,\"sid\":1,\"seq\":3,\"msg\":{\"market_tickers\":[\"" + A
                + "\",\"" + B + "\"]}}");
        assertThat(ok.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(ok.resyncs()).isEmpty();
        assertThat(decode(delta(1, 4, A, "\"0.0100\"", "\"1.00\"")).resyncs()).isEmpty();
        assertThat(decoder.sids().markets(1)).containsExactly(A, B);
    }

    @Test
    void marketsChangeOnTheOpenConnectionOnceEveryChannelHasItsSid() {
        subscribedWithBooks();
        // trade's ack has not come: no sid to name yet, so the change is held (nothing sent, no reconnect) and its
        // frames go out with the ack that completes the sids.
        assertThat(decoder.change(List.of(C), List.of(A))).hasValue(List.of());

        List<String> frames = decode("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"trade\",\"sid\":3}}")
                .replies();

        assertThat(frames)
                .containsExactly(
                        "{\"id\":1000000,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"market_tickers\":[\""
                                + A + "\"],\"action\":\"delete_markets\"}}",
                        "{\"id\":1000001,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"market_tickers\":[\""
                                + C + "\"],\"action\":\"add_markets\"}}",
                        "{\"id\":1000002,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[2],\"market_tickers\":[\""
                                + A + "\"],\"action\":\"delete_markets\"}}",
                        "{\"id\":1000003,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[2],\"market_tickers\":[\""
                                + C + "\"],\"action\":\"add_markets\"}}",
                        "{\"id\":1000004,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[3],\"market_tickers\":[\""
                                + A + "\"],\"action\":\"delete_markets\"}}",
                        "{\"id\":1000005,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[3],\"market_tickers\":[\""
                                + C + "\"],\"action\":\"add_markets\"}}");
        assertThat(decoder.book(A)).isEmpty();
        // Kalshi's oks take seq 3 and 4 on the book sid; the added market's snapshot is 5: no gap, no resync.
        assertThat(decode("{\"type\":\"ok\",\"id\":1000000,\"sid\":1,\"seq\":3,\"msg\":{\"market_tickers\":[\"" + B
                                + "\"]}}")
                        .resyncs())
                .isEmpty();
        assertThat(decode("{\"type\":\"ok\",\"id\":1000001,\"sid\":1,\"seq\":4,\"msg\":{\"market_tickers\":[\"" + B
                                + "\",\"" + C + "\"]}}")
                        .resyncs())
                .isEmpty();
        assertThat(decode(snapshot(1, 5, C)).resyncs()).isEmpty();
        assertThat(decoder.sids().markets(1)).containsExactly(B, C);
        assertThat(decoder.book(C)).isPresent();
    }

    @Test
    void marketsRemovedLiveLeaveEveryPerMarketMapOfTheConnection() {
        int n = 120;
        List<String> markets = KalshiDiscoveryShardTest.universe(n);
        Map<String, Map<String, String>> attributes = new java.util.HashMap<>();
        // Each market its own event, so the categories map holds one market and one event per market, plus series.
        markets.forEach(m -> attributes.put(
                m,
                Map.of(
                        io.ssmd.core.shard.FeedShard.Start.CATEGORY,
                        "Crypto",
                        io.ssmd.core.shard.FeedShard.Start.EVENT,
                        "EV-" + m)));
        ShardContext before = context(markets, attributes);
        KalshiDecoder decoder = KalshiDecoder.create(before, KalshiDecoderGoldenTest.settings(), t -> null);
        int[] seq = {0};
        for (int id = 1; id <= 10; id++) {
            decoder.decode(bytes(
                    "{\"type\":\"subscribed\",\"id\":" + id + ",\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":1}}"));
            decoder.decode(
                    bytes("{\"type\":\"subscribed\",\"id\":" + id + ",\"msg\":{\"channel\":\"ticker\",\"sid\":2}}"));
            decoder.decode(
                    bytes("{\"type\":\"subscribed\",\"id\":" + id + ",\"msg\":{\"channel\":\"trade\",\"sid\":3}}"));
        }
        markets.forEach(m -> decoder.decode(bytes(snapshot(1, ++seq[0], m))));
        assertThat(decoder.sizes())
                .containsEntry("sids", n)
                .containsEntry("commands", n)
                .containsEntry("books", n)
                .containsEntry("categories", 2 * n);

        List<String> removed = markets.subList(0, 50);
        List<String> kept = markets.subList(50, n);
        Map<String, Map<String, String>> keptAttributes = new java.util.HashMap<>(attributes);
        removed.forEach(keptAttributes::remove);
        decoder.context(context(kept, keptAttributes));
        // On the open connection: update_subscription frames, not a refusal that would reconnect the shard.
        assertThat(decoder.change(List.of(), removed))
                .hasValueSatisfying(
                        frames -> assertThat(frames).isNotEmpty().allMatch(f -> f.contains("delete_markets")));

        assertThat(decoder.sizes())
                .containsEntry("sids", n - 50)
                .containsEntry("commands", n - 50)
                .containsEntry("books", n - 50)
                .containsEntry("categories", 2 * (n - 50));
        assertThat(decoder.sids().markets(1)).containsExactlyElementsOf(kept);
    }

    private static ShardContext context(List<String> markets, Map<String, Map<String, String>> attributes) {
        ShardContext plain = ShardContext.of("test", "kalshi", "kalshi-0", markets);
        return new ShardContext(
                plain.env(), plain.feed(), plain.shard(), plain.instruments(), plain.tokens(), attributes);
    }

    private static byte[] bytes(String frame) {
        return frame.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aGapBeforeTheUpdatesOkResubscribesTheAddedMarketAndNotTheRemovedOne() {
        subscribedWithBooks();
        decode("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"trade\",\"sid\":3}}");
        decoder.change(List.of(C), List.of(A)).orElseThrow();

        // seq 3 and 4 are the oks still on their way; 6 skips one: a gap on the book sid before either ok arrived.
        Decoded gap = decode(delta(1, 6, B, "\"0.0100\"", "\"1.00\""));

        assertThat(gap.resyncs()).extracting(Decoded.Resync::instrument).containsExactly(B, C);
        assertThat(gap.replies())
                .last()
                .asString()
                .contains("\"market_tickers\":[\"" + B + "\",\"" + C + "\"]")
                .doesNotContain(A);
    }

    @Test
    void aMarketNoOneHasSeenTakesItsEventsOrItsSeriesCategory() {
        // What discovery records: events and series with their categories, besides the markets.
        Map<String, String> categories = Map.of("FED-23DEC", "Economics", "KXQUICKSETTLE", "Science and Technology");
        KalshiDecoder fresh = KalshiDecoder.create(
                ShardContext.of("test", "kalshi", "kalshi-0", List.of(A)),
                KalshiDecoderGoldenTest.settings(),
                categories::get);
        java.util.function.Function<String, Decoded> decode = f -> fresh.decode(f.getBytes(StandardCharsets.UTF_8));
        Decoded created =
                decode.apply("{\"type\":\"market_lifecycle_v2\",\"sid\":4,\"seq\":1,\"msg\":{\"market_ticker\":"
                        + "\"KXNEW-26JAN25-T1\",\"event_type\":\"created\",\"additional_metadata\":{\"event_ticker\":"
                        + "\"FED-23DEC\"}}}");
        Decoded trade = decode.apply(
                "{\"type\":\"trade\",\"sid\":3,\"msg\":{\"market_ticker\":\"KXQUICKSETTLE-26JAN25H2150-2\","
                        + "\"yes_price_dollars\":\"0.5000\",\"count_fp\":\"1.00\"}}");
        Decoded unknown = decode.apply("{\"type\":\"trade\",\"sid\":3,\"msg\":{\"market_ticker\":\"KXNOPE-1\"}}");

        assertThat(created.messages().get(0).subject())
                .isEqualTo("test.kalshi.economics.json.lifecycle.KXNEW-26JAN25-T1");
        assertThat(trade.messages().get(0).subject())
                .isEqualTo("test.kalshi.science_and_technology.json.trade.KXQUICKSETTLE-26JAN25H2150-2");
        assertThat(unknown.messages().get(0).subject()).isEqualTo("test.kalshi.uncategorized.json.trade.KXNOPE-1");
    }

    @Test
    void aDeltaBelowZeroResynchronizesThatMarketAlone() {
        subscribedWithBooks();
        Decoded broken = decode(delta(1, 3, B, "\"0.5000\"", "\"-3.00\""));
        assertThat(broken.resyncs()).singleElement().satisfies(r -> {
            assertThat(r.instrument()).isEqualTo(B);
            assertThat(r.reason()).contains("negative size -3");
        });
        assertThat(broken.replies())
                .containsExactly(
                        "{\"id\":1000000,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"market_tickers\":[\""
                                + B + "\"],\"action\":\"delete_markets\"}}",
                        "{\"id\":1000001,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"market_tickers\":[\""
                                + B + "\"],\"action\":\"add_markets\"}}");
        assertThat(decoder.book(A)).isPresent();
        assertThat(decoder.book(B)).isEmpty();
    }

    @Test
    void numbersAreReadFromStringsOrNumbersOfAnyPrecisionAndUnreadableOnesCostNothing() {
        subscribedWithBooks();
        // A JSON number where the docs say string, three decimals, a string seq: all read.
        assertThat(decode(delta(1, "\"3\"", A, "0.010", "-10")).resyncs()).isEmpty();
        assertThat(decoder.book(A).orElseThrow().size("yes", "0.01")).isEqualByComparingTo("1400");
        // Legacy integer cents and counts.
        decode("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":4,\"msg\":{\"market_ticker\":\"" + A
                + "\",\"price\":1,\"delta\":-400,\"side\":\"yes\",\"new_field\":{\"x\":1}}}");
        assertThat(decoder.book(A).orElseThrow().size("yes", "0.01")).isEqualByComparingTo("1000");
        // A price Kalshi might one day write differently: published all the same, the book left unchecked.
        Decoded odd = decode(delta(1, 5, A, "\"1/100\"", "\"1.00\""));
        assertThat(odd.kind()).isEqualTo(Kind.DATA);
        assertThat(odd.messages()).hasSize(1);
        assertThat(odd.resyncs()).isEmpty();
        assertThat(decoder.book(A)).isEmpty();
        // Tickers without optional fields still route.
        assertThat(decode("{\"type\":\"ticker\",\"sid\":2,\"msg\":{\"market_ticker\":\"" + C + "\"}}")
                        .messages()
                        .get(0)
                        .subject())
                .isEqualTo("test.kalshi.crypto.json.ticker.KXETHD-26FEB1217-T1819_99");
    }

    @Test
    void errorsAreRejectionsOfTheMarketsTheyConcern() {
        Decoded one = decode("{\"type\":\"error\",\"id\":1,\"msg\":{\"code\":16,\"msg\":\"Market not found\","
                + "\"market_ticker\":\"" + B + "\"}}");
        assertThat(one.kind()).isEqualTo(Kind.SYSTEM);
        assertThat(one.rejections()).containsExactly(new Decoded.Rejection(B, "code 16: Market not found"));

        Decoded whole = decode("{\"type\":\"error\",\"id\":1,\"msg\":{\"code\":8,\"msg\":\"Unknown channel name\"}}");
        assertThat(whole.rejections()).extracting(Decoded.Rejection::instrument).containsExactly(A, B);

        Decoded already = decode("{\"type\":\"error\",\"id\":1,\"msg\":{\"code\":6,\"msg\":\"Already subscribed\"}}");
        assertThat(already.rejections()).isEmpty();
    }

    @Test
    void theKeepaliveAnswerIsAPongAndNonsenseIsUnparsed() {
        assertThat(decode("{\"type\":\"ok\",\"msg\":[{\"channel\":\"ticker\",\"sid\":2}]}")
                        .kind())
                .isEqualTo(Kind.PONG);
        assertThat(decode("not json").kind()).isEqualTo(Kind.UNPARSED);
        assertThat(decode("[1,2]").kind()).isEqualTo(Kind.UNPARSED);
        assertThat(decode("{\"type\":\"ticker_v2\",\"msg\":{}}").reason()).contains("unknown type");
        assertThat(decode("{\"type\":\"trade\",\"sid\":3,\"msg\":{}}").kind()).isEqualTo(Kind.UNPARSED);
    }
}
