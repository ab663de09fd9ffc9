package io.ssmd.feeds.kraken.replay;

/**
 * One spot pair as the replay server knows it: its names in the v2 WebSocket and in REST, and the precisions its
 * prices and quantities are written with.
 *
 * <p>Prices and quantities are held as whole numbers of their smallest unit (a price of {@code 62807.0} with one
 * decimal is {@code 628070} ticks) and only become text on the wire, always with all their decimals, as Kraken
 * writes them ({@code 62807.0}, {@code 0.00000000}): the checksum is computed over that text.
 *
 * @param symbol         v2 WebSocket symbol, e.g. {@code BTC/USD}
 * @param pairKey        the key of the REST AssetPairs entry, e.g. {@code XXBTZUSD}
 * @param altname        REST altname, e.g. {@code XBTUSD}
 * @param wsname         the v1 WebSocket name REST reports, e.g. {@code XBT/USD}: not the v2 symbol
 * @param base           REST base asset code, e.g. {@code XXBT}
 * @param quote          REST quote asset code, e.g. {@code ZUSD}
 * @param priceDecimals  decimals of a price (REST {@code pair_decimals})
 * @param qtyDecimals    decimals of a quantity (REST {@code lot_decimals})
 * @param startTicks     a typical price, in ticks, that synthetic books start around
 * @param typicalQty     a typical level size, in quantity units
 * @param ordermin       REST {@code ordermin}, as text
 */
record KrakenInstrument(
        String symbol,
        String pairKey,
        String altname,
        String wsname,
        String base,
        String quote,
        int priceDecimals,
        int qtyDecimals,
        long startTicks,
        long typicalQty,
        String ordermin) {

    private static final long[] POWERS = {
        1L,
        10L,
        100L,
        1_000L,
        10_000L,
        100_000L,
        1_000_000L,
        10_000_000L,
        100_000_000L,
        1_000_000_000L,
        10_000_000_000L,
        100_000_000_000L,
        1_000_000_000_000L
    };

    /** The price text of {@code ticks}, with all {@link #priceDecimals} decimals. */
    public String price(long ticks) {
        return decimal(ticks, priceDecimals);
    }

    /** The quantity text of {@code units}, with all {@link #qtyDecimals} decimals. */
    public String qty(long units) {
        return decimal(units, qtyDecimals);
    }

    /** The REST {@code tick_size}: one tick as text, e.g. {@code 0.1}. */
    public String tickSize() {
        return decimal(1, priceDecimals);
    }

    /** {@code units} × 10^-decimals as plain text with exactly {@code decimals} decimals; negative values too. */
    public static String decimal(long units, int decimals) {
        StringBuilder sb = new StringBuilder(24);
        appendDecimal(sb, units, decimals);
        return sb.toString();
    }

    /** Appends what {@link #decimal} returns, without the intermediate string (the generator's hot path). */
    public static void appendDecimal(StringBuilder sb, long units, int decimals) {
        if (units < 0) {
            sb.append('-');
            units = -units;
        }
        if (decimals == 0) {
            sb.append(units);
            return;
        }
        long scale = POWERS[decimals];
        sb.append(units / scale).append('.');
        long fraction = units % scale;
        for (long p = scale / 10; p > fraction && p > 1; p /= 10) {
            sb.append('0');
        }
        sb.append(fraction);
    }
}
