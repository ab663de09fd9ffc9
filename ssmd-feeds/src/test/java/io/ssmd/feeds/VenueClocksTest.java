package io.ssmd.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssmd.core.shard.VenueClock;
import io.ssmd.feeds.kalshi.KalshiFeed;
import io.ssmd.feeds.kraken.KrakenFeed;
import io.ssmd.feeds.krakenfutures.KrakenFuturesFeed;
import io.ssmd.feeds.polymarket.PolymarketFeed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Each venue's clock for {@code ssmd_connector_lag_seconds}: the venue's own time where its frames carry one, none for
 * snapshots (their times are of the book's last change or of past trades) and for frames without a time.
 */
class VenueClocksTest {

    private static final long MILLIS = 1_765_000_123_456L;

    @Test
    void kalshiTakesTsMillisOfDeltasTickersAndTradesAndNothingOfASnapshot() {
        assertThat(micros(
                        KalshiFeed.VENUE_CLOCK,
                        "{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":7,\"msg\":{\"market_ticker\":\"K\","
                                + "\"price_dollars\":\"0.4200\",\"delta_fp\":\"5.00\",\"side\":\"yes\","
                                + "\"ts\":\"2025-12-06T05:48:43.456000Z\",\"ts_ms\":" + MILLIS + "}}"))
                .isEqualTo(MILLIS * 1000);
        assertThat(micros(
                        KalshiFeed.VENUE_CLOCK,
                        "{\"type\":\"ticker\",\"sid\":2,\"msg\":{\"market_ticker\":\"K\",\"ts\":1765000123,"
                                + "\"ts_ms\":" + MILLIS + "}}"))
                .isEqualTo(MILLIS * 1000);
        assertThat(micros(
                        KalshiFeed.VENUE_CLOCK,
                        "{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"K\","
                                + "\"yes_dollars_fp\":[[\"0.4200\",\"5.00\"]]}}"))
                .isZero();
    }

    @Test
    void krakenTakesTheRfc3339TimestampOfUpdatesAndTradesButNotOfSnapshots() {
        String time = "2026-08-16T23:37:03.745044Z";
        Instant instant = Instant.parse(time);
        long expected = instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
        assertThat(micros(
                        KrakenFeed.VENUE_CLOCK,
                        "{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":"
                                + "[{\"price\":64000.1,\"qty\":0.5}],\"asks\":[],\"checksum\":123,\"timestamp\":\""
                                + time + "\"}]}"))
                .isEqualTo(expected);
        assertThat(micros(
                        KrakenFeed.VENUE_CLOCK,
                        "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\",\"side\":"
                                + "\"buy\",\"price\":64000.1,\"qty\":0.1,\"ord_type\":\"market\",\"trade_id\":1,"
                                + "\"timestamp\":\"" + time + "\"}]}"))
                .isEqualTo(expected);
        assertThat(micros(
                        KrakenFeed.VENUE_CLOCK,
                        "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],"
                                + "\"asks\":[],\"checksum\":1,\"timestamp\":\"" + time + "\"}]}"))
                .isZero();
        assertThat(micros(KrakenFeed.VENUE_CLOCK, "{\"channel\":\"heartbeat\"}"))
                .isZero();
        assertThat(micros(KrakenFeed.VENUE_CLOCK, "{\"channel\":\"book\",\"timestamp\":\"not a time\"}"))
                .isZero();
    }

    @Test
    void krakenFuturesTakesTimestampOrTimeMillisButNotTheSnapshotFeeds() {
        assertThat(micros(
                        KrakenFuturesFeed.VENUE_CLOCK,
                        "{\"feed\":\"book\",\"product_id\":\"PF_XBTUSD\",\"side\":\"buy\",\"seq\":5,"
                                + "\"price\":64000.0,\"qty\":1.0,\"timestamp\":" + MILLIS + "}"))
                .isEqualTo(MILLIS * 1000);
        assertThat(micros(
                        KrakenFuturesFeed.VENUE_CLOCK,
                        "{\"feed\":\"trade\",\"product_id\":\"PF_XBTUSD\",\"uid\":\"u\",\"side\":\"sell\","
                                + "\"type\":\"fill\",\"seq\":3,\"time\":" + MILLIS + ",\"qty\":1.0,\"price\":64000.0}"))
                .isEqualTo(MILLIS * 1000);
        assertThat(micros(
                        KrakenFuturesFeed.VENUE_CLOCK,
                        "{\"feed\":\"book_snapshot\",\"product_id\":\"PF_XBTUSD\",\"timestamp\":" + MILLIS
                                + ",\"seq\":1,\"bids\":[],\"asks\":[]}"))
                .isZero();
        assertThat(micros(
                        KrakenFuturesFeed.VENUE_CLOCK,
                        "{\"feed\":\"trade_snapshot\",\"product_id\":\"PF_XBTUSD\",\"trades\":[{\"time\":" + MILLIS
                                + "}]}"))
                .isZero();
    }

    @Test
    void polymarketTakesTheTimestampStringButNotABookEvent() {
        assertThat(micros(
                        PolymarketFeed.VENUE_CLOCK,
                        "[{\"event_type\":\"price_change\",\"market\":\"0xabc\",\"price_changes\":[],"
                                + "\"timestamp\":\"" + MILLIS + "\"}]"))
                .isEqualTo(MILLIS * 1000);
        assertThat(micros(
                        PolymarketFeed.VENUE_CLOCK,
                        "{\"event_type\":\"book\",\"asset_id\":\"1\",\"bids\":[],\"asks\":[],\"timestamp\":\"" + MILLIS
                                + "\"}"))
                .isZero();
    }

    private static long micros(VenueClock clock, String frame) {
        return clock.venueMicros(frame.getBytes(StandardCharsets.UTF_8));
    }
}
