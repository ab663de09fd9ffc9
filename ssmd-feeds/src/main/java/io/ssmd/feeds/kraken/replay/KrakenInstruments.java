package io.ssmd.feeds.kraken.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The pairs the replay server can serve: the default universe (real Kraken pairs with their real REST names and
 * precisions, prices of mid-2026) and made-up pairs of the same shape for larger synthetic universes.
 */
final class KrakenInstruments {

    private static final int QTY_DECIMALS = 8;

    /** Real pairs. Kraken's REST names keep the legacy X/Z asset codes and call bitcoin XBT and dogecoin XDG. */
    private static final Map<String, KrakenInstrument> DEFAULTS = defaults(
            new KrakenInstrument(
                    "BTC/USD",
                    "XXBTZUSD",
                    "XBTUSD",
                    "XBT/USD",
                    "XXBT",
                    "ZUSD",
                    1,
                    QTY_DECIMALS,
                    628_000L,
                    25_000_000L,
                    "0.00005"),
            new KrakenInstrument(
                    "ETH/USD",
                    "XETHZUSD",
                    "ETHUSD",
                    "ETH/USD",
                    "XETH",
                    "ZUSD",
                    2,
                    QTY_DECIMALS,
                    245_000L,
                    300_000_000L,
                    "0.002"),
            new KrakenInstrument(
                    "SOL/USD",
                    "SOLUSD",
                    "SOLUSD",
                    "SOL/USD",
                    "SOL",
                    "ZUSD",
                    2,
                    QTY_DECIMALS,
                    14_500L,
                    4_000_000_000L,
                    "0.02"),
            new KrakenInstrument(
                    "XRP/USD",
                    "XXRPZUSD",
                    "XRPUSD",
                    "XRP/USD",
                    "XXRP",
                    "ZUSD",
                    5,
                    QTY_DECIMALS,
                    52_000L,
                    500_000_000_000L,
                    "2"),
            new KrakenInstrument(
                    "USDT/USD",
                    "USDTZUSD",
                    "USDTUSD",
                    "USDT/USD",
                    "USDT",
                    "ZUSD",
                    5,
                    QTY_DECIMALS,
                    99_980L,
                    5_000_000_000_000L,
                    "5"),
            new KrakenInstrument(
                    "DOGE/USD",
                    "XDGUSD",
                    "XDGUSD",
                    "XDG/USD",
                    "XXDG",
                    "ZUSD",
                    7,
                    QTY_DECIMALS,
                    1_200_000L,
                    2_000_000_000_000L,
                    "40"),
            new KrakenInstrument(
                    "ADA/USD",
                    "ADAUSD",
                    "ADAUSD",
                    "ADA/USD",
                    "ADA",
                    "ZUSD",
                    6,
                    QTY_DECIMALS,
                    380_000L,
                    500_000_000_000L,
                    "15"),
            new KrakenInstrument(
                    "LTC/USD",
                    "XLTCZUSD",
                    "LTCUSD",
                    "LTC/USD",
                    "XLTC",
                    "ZUSD",
                    2,
                    QTY_DECIMALS,
                    6_800L,
                    5_000_000_000L,
                    "0.05"));

    private KrakenInstruments() {}

    private static Map<String, KrakenInstrument> defaults(KrakenInstrument... instruments) {
        Map<String, KrakenInstrument> map = new LinkedHashMap<>();
        for (KrakenInstrument instrument : instruments) {
            map.put(instrument.symbol(), instrument);
        }
        return map;
    }

    static List<String> defaultSymbols() {
        return List.copyOf(DEFAULTS.keySet());
    }

    /** The defaults, then {@code SAAA/USD}, {@code SAAB/USD}...: made-up bases that no real pair uses. */
    static List<String> syntheticSymbols(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be 0 or more, got " + n);
        }
        List<String> symbols = new ArrayList<>(n);
        for (String symbol : DEFAULTS.keySet()) {
            if (symbols.size() == n) {
                return symbols;
            }
            symbols.add(symbol);
        }
        for (int i = 0; symbols.size() < n; i++) {
            symbols.add("S" + letters(i) + "/USD");
        }
        return symbols;
    }

    private static String letters(int index) {
        char[] chars = new char[3];
        int rest = index;
        for (int i = chars.length - 1; i >= 0; i--) {
            chars[i] = (char) ('A' + rest % 26);
            rest /= 26;
        }
        return (rest > 0 ? letters(rest - 1) : "") + new String(chars);
    }

    /**
     * The instrument of a well-formed symbol: a default's real definition, otherwise one derived from the name alone
     * (so every session and the REST endpoint agree on it).
     */
    static KrakenInstrument of(String symbol) {
        KrakenInstrument known = DEFAULTS.get(symbol);
        if (known != null) {
            return known;
        }
        String base = symbol.substring(0, symbol.indexOf('/'));
        String quote = symbol.substring(symbol.indexOf('/') + 1);
        // String.hashCode is specified, so a name gives the same pair on every JVM.
        SplittableRandom random = new SplittableRandom(symbol.hashCode());
        int priceDecimals = 2 + random.nextInt(4);
        double price = Math.exp(Math.log(0.05) + random.nextDouble() * Math.log(500 / 0.05));
        long startTicks = Math.max(10_000L, Math.round(price * Math.pow(10, priceDecimals)));
        double notional = 2_000 + random.nextDouble() * 8_000;
        long typicalQty = Math.max(1L, Math.round(notional / price * 1e8));
        String v1Base = base.equals("BTC") ? "XBT" : base.equals("DOGE") ? "XDG" : base;
        return new KrakenInstrument(
                symbol,
                v1Base + quote,
                v1Base + quote,
                v1Base + "/" + quote,
                v1Base,
                quote,
                priceDecimals,
                QTY_DECIMALS,
                startTicks,
                typicalQty,
                "1");
    }
}
