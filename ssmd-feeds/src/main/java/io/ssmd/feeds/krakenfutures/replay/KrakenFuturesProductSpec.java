package io.ssmd.feeds.krakenfutures.replay;

import java.util.Map;

/**
 * What the synthetic market needs to know of a perpetual: its price level, tick and lot. Prices are whole ticks
 * ({@code 10^-priceScale}), sizes whole lots ({@code 10^-qtyScale}).
 *
 * @param id             the product id, e.g. {@code PF_XBTUSD}
 * @param pair           the ticker's {@code pair}, e.g. {@code XBT:USD}
 * @param referenceTicks where the price starts and drifts back to
 * @param priceScale     decimals of the tick: 0 for PF_XBTUSD (tick 1), 1 for PF_ETHUSD (tick 0.1)
 * @param qtyScale       decimals of the lot: 4 for PF_XBTUSD (0.0001 BTC), 3 for PF_ETHUSD
 * @param typicalLots    a typical resting size, in lots
 */
public record KrakenFuturesProductSpec(
        String id, String pair, long referenceTicks, int priceScale, int qtyScale, long typicalLots) {

    /**
     * The defaults, at the level of the live frames in exchanges/kraken-futures (Feb 2026): PF_XBTUSD quoted
     * 65360.0/65361.0 with sizes like 0.0021, PF_ETHUSD 1907.3/1907.4 with sizes like 0.097. The others are
     * approximations of the same period.
     */
    private static final Map<String, KrakenFuturesProductSpec> KNOWN = Map.of(
            "PF_XBTUSD", new KrakenFuturesProductSpec("PF_XBTUSD", "XBT:USD", 65_360, 0, 4, 500),
            "PF_ETHUSD", new KrakenFuturesProductSpec("PF_ETHUSD", "ETH:USD", 19_073, 1, 3, 400),
            "PF_SOLUSD", new KrakenFuturesProductSpec("PF_SOLUSD", "SOL:USD", 8_012, 2, 2, 900),
            "PF_XRPUSD", new KrakenFuturesProductSpec("PF_XRPUSD", "XRP:USD", 13_512, 4, 0, 600),
            "PF_LTCUSD", new KrakenFuturesProductSpec("PF_LTCUSD", "LTC:USD", 5_231, 2, 1, 60));

    /** The spec of a product: a known one, or one derived from the id alone, so it is the same in every session. */
    public static KrakenFuturesProductSpec of(String id) {
        KrakenFuturesProductSpec known = KNOWN.get(id);
        if (known != null) {
            return known;
        }
        long hash = mix(id.hashCode());
        int priceScale = 1 + (int) Math.floorMod(hash, 3L);
        long referenceTicks = 1_000 + Math.floorMod(hash >>> 8, 90_000L);
        int qtyScale = Math.max(0, 4 - priceScale);
        long typicalLots = 50 + Math.floorMod(hash >>> 32, 950L);
        return new KrakenFuturesProductSpec(id, pairOf(id), referenceTicks, priceScale, qtyScale, typicalLots);
    }

    /** {@code PF_XBTUSD} → {@code XBT:USD}: the ticker's {@code pair} is the id without the {@code PF_} prefix. */
    static String pairOf(String id) {
        String base = id.startsWith("PF_") || id.startsWith("PI_") ? id.substring(3) : id;
        return base.endsWith("USD") && base.length() > 3 ? base.substring(0, base.length() - 3) + ":USD" : base;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
