package io.ssmd.feeds.polymarket.replay;

import java.util.Map;

/**
 * The market channel's event frames as the server writes them. Field order follows the venue's documented
 * examples (exchanges/polymarket/messages.jsonl lines 8 to 11); a {@code book} also carries {@code tick_size} and
 * {@code last_trade_price}, which real snapshots add (archive-capture.jsonl). Every number is a string, as on the
 * wire; the ids and values written here need no JSON escaping (digits, hex, fixed words).
 *
 * <p>Prices are thousandths ("mils") and sizes hundredths ("cents") kept as integers, so the wire text is exact:
 * {@code 510} mils is written {@code "0.51"}, the venue's habit of dropping trailing zeros.
 */
public final class PolymarketFrames {

    private static final String[] PRICES = new String[1001];
    private static final String[] TICKS = {null, "0.001", null, null, null, null, null, null, null, null, "0.01"};

    static {
        for (int mils = 0; mils <= 1000; mils++) {
            PRICES[mils] = decimal(mils, 1000);
        }
    }

    private PolymarketFrames() {}

    /** A price in thousandths as the venue writes it: {@code "0.5"}, {@code "0.51"}, {@code "0.001"}. */
    static String price(int mils) {
        return PRICES[mils];
    }

    /** A size in hundredths as the venue writes it: {@code "10500100"}, {@code "199.31"}, {@code "0"}. */
    static String size(long cents) {
        return decimal(cents, 100);
    }

    /** A tick size in thousandths: {@code "0.01"} or {@code "0.001"}. */
    static String tick(int mils) {
        return TICKS[mils];
    }

    /**
     * A {@code book} snapshot. Bids go in ascending price order and asks in descending order, so the best level is
     * the LAST element of each side, as the venue sends them.
     *
     * @param bidsBestLast the bids, iterated worst (lowest) first
     * @param asksBestLast the asks, iterated worst (highest) first
     * @param lastTradeMils the last trade's price; the venue writes this one field with three decimals ("0.870")
     */
    static String book(
            String asset,
            String market,
            Iterable<Map.Entry<Integer, Long>> bidsBestLast,
            Iterable<Map.Entry<Integer, Long>> asksBestLast,
            boolean mirror,
            long timestamp,
            String hash,
            int tickMils,
            int lastTradeMils) {
        StringBuilder frame = new StringBuilder(256);
        frame.append("{\"event_type\":\"book\",\"asset_id\":\"")
                .append(asset)
                .append("\",\"market\":\"")
                .append(market)
                .append("\",\"bids\":[");
        levels(frame, bidsBestLast, mirror);
        frame.append("],\"asks\":[");
        levels(frame, asksBestLast, mirror);
        frame.append("],\"timestamp\":\"")
                .append(timestamp)
                .append("\",\"hash\":\"")
                .append(hash)
                .append("\",\"tick_size\":\"")
                .append(tick(tickMils))
                .append("\",\"last_trade_price\":\"")
                .append("0.")
                .append(String.valueOf(1000 + lastTradeMils), 1, 4)
                .append("\"}");
        return frame.toString();
    }

    /** The start of a {@code price_change} frame (current schema); entries follow, then {@link #endPriceChange}. */
    static StringBuilder startPriceChange(String market) {
        return new StringBuilder(320)
                .append("{\"event_type\":\"price_change\",\"market\":\"")
                .append(market)
                .append("\",\"price_changes\":[");
    }

    /**
     * One {@code price_changes} entry: {@code size} is the level's new aggregate size ("0" removes it), {@code hash}
     * the order that caused it, {@code best_bid}/{@code best_ask} the asset's top of book after the change.
     */
    static void priceChangeEntry(
            StringBuilder frame,
            String asset,
            int priceMils,
            long sizeCents,
            boolean buy,
            String hash,
            int bestBidMils,
            int bestAskMils) {
        if (frame.charAt(frame.length() - 1) != '[') {
            frame.append(',');
        }
        frame.append("{\"asset_id\":\"")
                .append(asset)
                .append("\",\"price\":\"")
                .append(price(priceMils))
                .append("\",\"size\":\"")
                .append(size(sizeCents))
                .append("\",\"side\":\"")
                .append(buy ? "BUY" : "SELL")
                .append("\",\"hash\":\"")
                .append(hash)
                .append("\",\"best_bid\":\"")
                .append(price(bestBidMils))
                .append("\",\"best_ask\":\"")
                .append(price(bestAskMils))
                .append("\"}");
    }

    static String endPriceChange(StringBuilder frame, long timestamp) {
        return frame.append("],\"timestamp\":\"")
                .append(timestamp)
                .append("\"}")
                .toString();
    }

    /** A {@code last_trade_price}: {@code side} is the taker's. */
    static String lastTradePrice(
            String asset,
            String market,
            int priceMils,
            long sizeCents,
            boolean buy,
            long timestamp,
            String transactionHash) {
        return "{\"event_type\":\"last_trade_price\",\"asset_id\":\"" + asset
                + "\",\"market\":\"" + market
                + "\",\"price\":\"" + price(priceMils)
                + "\",\"size\":\"" + size(sizeCents)
                + "\",\"fee_rate_bps\":\"0\",\"side\":\"" + (buy ? "BUY" : "SELL")
                + "\",\"timestamp\":\"" + timestamp
                + "\",\"transaction_hash\":\"" + transactionHash + "\"}";
    }

    static String tickSizeChange(String asset, String market, int oldTickMils, int newTickMils, long timestamp) {
        return "{\"event_type\":\"tick_size_change\",\"asset_id\":\"" + asset
                + "\",\"market\":\"" + market
                + "\",\"old_tick_size\":\"" + tick(oldTickMils)
                + "\",\"new_tick_size\":\"" + tick(newTickMils)
                + "\",\"timestamp\":\"" + timestamp + "\"}";
    }

    /**
     * A stand-in for a refused subscription: the venue documents no error frame (it sends nothing for ids it does
     * not serve), so the reject fault sends this event, which a client that skips unknown event types ignores.
     */
    public static String subscriptionRejected(Iterable<String> assets, long timestamp) {
        StringBuilder frame = new StringBuilder("{\"event_type\":\"ssmd_subscription_rejected\",\"assets_ids\":[");
        String separator = "";
        for (String asset : assets) {
            frame.append(separator).append('"').append(asset).append('"');
            separator = ",";
        }
        return frame.append("],\"reason\":\"refused by the replay server's reject fault\",\"timestamp\":\"")
                .append(timestamp)
                .append("\"}")
                .toString();
    }

    private static void levels(StringBuilder frame, Iterable<Map.Entry<Integer, Long>> levels, boolean mirror) {
        String separator = "";
        for (Map.Entry<Integer, Long> level : levels) {
            int mils = mirror ? 1000 - level.getKey() : level.getKey();
            frame.append(separator)
                    .append("{\"price\":\"")
                    .append(price(mils))
                    .append("\",\"size\":\"")
                    .append(size(level.getValue()))
                    .append("\"}");
            separator = ",";
        }
    }

    /** {@code value / scale} in plain decimal, without trailing zeros; scale is 100 or 1000. */
    private static String decimal(long value, int scale) {
        long whole = value / scale;
        long fraction = value % scale;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        int digits = scale == 1000 ? 3 : 2;
        while (fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        String text = Long.toString(fraction);
        return whole + "." + "0".repeat(digits - text.length()) + text;
    }
}
