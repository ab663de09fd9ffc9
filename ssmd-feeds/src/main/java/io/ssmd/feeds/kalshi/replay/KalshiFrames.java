package io.ssmd.feeds.kalshi.replay;

import static io.ssmd.feeds.kalshi.KalshiProtocol.count;
import static io.ssmd.feeds.kalshi.KalshiProtocol.dollars;
import static io.ssmd.feeds.kalshi.KalshiProtocol.quote;

import io.ssmd.feeds.kalshi.replay.KalshiSyntheticBook.Side;
import io.ssmd.feeds.kalshi.replay.KalshiSyntheticMarket.Delta;
import io.ssmd.feeds.kalshi.replay.KalshiSyntheticMarket.MarketState;
import io.ssmd.feeds.kalshi.replay.KalshiSyntheticMarket.Trade;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Kalshi market-data frames in the current fixed-point schema (PROTOCOLS.md §1.6–1.10): prices as dollar strings
 * with four decimals, counts with two, field order as in the real demo captures. Only timestamps come from the
 * clock.
 */
final class KalshiFrames {

    /** {@code ts} of a delta is RFC 3339 with microseconds, as on the wire: {@code 2026-08-27T13:56:23.996443Z}. */
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private KalshiFrames() {}

    /**
     * {@code orderbook_snapshot}: both sides ascending (best last); a side with no resting orders has no key at
     * all, as in the real frames of an empty book. No timestamp.
     */
    static String snapshot(int sid, long seq, MarketState market) {
        StringBuilder b = head("orderbook_snapshot", sid, seq, market);
        side(b, "yes_dollars_fp", market.book.levels(Side.YES));
        side(b, "no_dollars_fp", market.book.levels(Side.NO));
        return b.append("}}").toString();
    }

    /** {@code orderbook_delta}: a signed size change at one level of one side. */
    static String delta(int sid, long seq, MarketState market, Delta delta, Instant now) {
        StringBuilder b = head("orderbook_delta", sid, seq, market);
        b.append(",\"price_dollars\":\"")
                .append(dollars(delta.price()))
                .append("\",\"delta_fp\":\"")
                .append(count(delta.delta()))
                .append("\",\"side\":\"")
                .append(delta.side().wire())
                .append("\",\"ts\":\"")
                .append(MICROS.format(now))
                .append("\",\"ts_ms\":")
                .append(now.toEpochMilli());
        return b.append("}}").toString();
    }

    /**
     * {@code ticker} (no seq): the touch, last trade and totals. The YES ask is a dollar less the best NO bid, with
     * that bid's size; with no NO bids it shows {@code "1.0000"} and size 0, as Kalshi does.
     */
    static String ticker(int sid, MarketState market, Instant now) {
        KalshiSyntheticBook book = market.book;
        StringBuilder b = new StringBuilder(420)
                .append("{\"type\":\"ticker\",\"sid\":")
                .append(sid)
                .append(",\"msg\":{\"market_id\":");
        quote(b, market.info.marketId());
        b.append(",\"market_ticker\":");
        quote(b, market.info.ticker());
        b.append(",\"price_dollars\":\"")
                .append(dollars(market.lastPrice))
                .append("\",\"yes_bid_dollars\":\"")
                .append(dollars(book.best(Side.YES)))
                .append("\",\"yes_ask_dollars\":\"")
                .append(dollars(book.yesAsk()))
                .append("\",\"volume_fp\":\"")
                .append(count(market.volume))
                .append("\",\"open_interest_fp\":\"")
                .append(count(market.openInterest))
                .append("\",\"yes_bid_size_fp\":\"")
                .append(count(book.bestSize(Side.YES)))
                .append("\",\"yes_ask_size_fp\":\"")
                .append(count(book.bestSize(Side.NO)))
                .append("\",\"last_trade_size_fp\":\"")
                .append(count(market.lastTradeSize))
                .append("\",\"ts\":")
                .append(now.getEpochSecond())
                .append(",\"ts_ms\":")
                .append(now.toEpochMilli());
        return b.append("}}").toString();
    }

    /**
     * {@code trade} (no seq). {@code taker_side} is deprecated but still sent; {@code taker_book_side} is
     * {@code bid} for a YES taker and {@code ask} for a NO taker.
     */
    static String trade(int sid, MarketState market, Trade trade, Instant now) {
        String taker = trade.taker().wire();
        StringBuilder b = new StringBuilder(360)
                .append("{\"type\":\"trade\",\"sid\":")
                .append(sid)
                .append(",\"msg\":{\"trade_id\":\"")
                .append(trade.tradeId())
                .append("\",\"market_ticker\":");
        quote(b, market.info.ticker());
        b.append(",\"yes_price_dollars\":\"")
                .append(dollars(trade.yesPrice()))
                .append("\",\"no_price_dollars\":\"")
                .append(dollars(KalshiSyntheticBook.ONE_DOLLAR - trade.yesPrice()))
                .append("\",\"count_fp\":\"")
                .append(count(trade.count()))
                .append("\",\"taker_side\":\"")
                .append(taker)
                .append("\",\"taker_outcome_side\":\"")
                .append(taker)
                .append("\",\"taker_book_side\":\"")
                .append(trade.taker() == Side.YES ? "bid" : "ask")
                .append("\",\"is_block_trade\":false,\"ts\":")
                .append(now.getEpochSecond())
                .append(",\"ts_ms\":")
                .append(now.toEpochMilli());
        return b.append("}}").toString();
    }

    /** {@code market_lifecycle_v2} {@code close_date_updated}, with seq as in the current asyncapi. */
    static String closeDateUpdated(int sid, long seq, String ticker, long closeTs) {
        return envelope("market_lifecycle_v2", sid, seq, ticker)
                .append(",\"close_ts\":")
                .append(closeTs)
                .append(",\"event_type\":\"close_date_updated\"}}")
                .toString();
    }

    /** How every per-market data frame starts: type, sid, seq and the market's ticker in {@code msg}. */
    static StringBuilder envelope(String type, int sid, long seq, String ticker) {
        StringBuilder b = new StringBuilder(320)
                .append("{\"type\":\"")
                .append(type)
                .append("\",\"sid\":")
                .append(sid)
                .append(",\"seq\":")
                .append(seq)
                .append(",\"msg\":{\"market_ticker\":");
        quote(b, ticker);
        return b;
    }

    private static StringBuilder head(String type, int sid, long seq, MarketState market) {
        StringBuilder b = envelope(type, sid, seq, market.info.ticker());
        b.append(",\"market_id\":");
        quote(b, market.info.marketId());
        return b;
    }

    private static void side(StringBuilder b, String key, Map<Integer, Long> levels) {
        if (levels.isEmpty()) {
            return;
        }
        b.append(",\"").append(key).append("\":[");
        boolean first = true;
        for (Map.Entry<Integer, Long> level : levels.entrySet()) {
            b.append(first ? "[\"" : ",[\"")
                    .append(dollars(level.getKey()))
                    .append("\",\"")
                    .append(count(level.getValue()))
                    .append("\"]");
            first = false;
        }
        b.append(']');
    }

    /** {@code {"type":"ok","id":3,"msg":[{"channel":"orderbook_delta","sid":1},...]}}: msg is an array here. */
    static String subscriptionList(Long id, List<KalshiSubscription> subscriptions) {
        StringBuilder b = new StringBuilder(64 + 40 * subscriptions.size()).append("{\"type\":\"ok\"");
        if (id != null) {
            b.append(",\"id\":").append(id);
        }
        b.append(",\"msg\":[");
        for (int i = 0; i < subscriptions.size(); i++) {
            KalshiSubscription s = subscriptions.get(i);
            b.append(i == 0 ? "" : ",").append("{\"channel\":");
            quote(b, s.channel());
            b.append(",\"sid\":").append(s.sid()).append('}');
        }
        return b.append("]}").toString();
    }
}
