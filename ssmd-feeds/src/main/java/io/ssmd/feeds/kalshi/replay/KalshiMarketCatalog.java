package io.ssmd.feeds.kalshi.replay;

import io.ssmd.feeds.kalshi.replay.KalshiSyntheticBook.Side;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The synthetic universe's markets as discovery shows them and as every session's book starts: the same for the
 * REST endpoints and for each WebSocket session, derived from the tickers and the server seed only.
 *
 * <p>The universe changes while the server runs ({@code POST /control/lifecycle}): markets are created, opened and
 * settled. Readers (sessions on their own streams, REST routes) see an immutable snapshot; writers replace it whole.
 */
final class KalshiMarketCatalog {

    /** {@code linear_cent}: $0.01 steps, in ten-thousandths. */
    static final int CENT = 100;
    /** {@code deci_cent}: $0.001 steps. */
    static final int DECI_CENT = 10;

    /** A market of the universe, with its state at the start of every session. */
    record Market(
            String ticker,
            String eventTicker,
            String seriesTicker,
            String category,
            String marketId,
            String title,
            String yesSubTitle,
            int tick,
            boolean fractional,
            Instant openTime,
            Instant closeTime,
            KalshiSyntheticBook book,
            int lastPrice,
            long volume,
            long openInterest,
            String status) {

        String priceLevelStructure() {
            return tick == CENT ? "linear_cent" : "deci_cent";
        }

        /** Whether the market trades now ({@code status=open} in a query). */
        boolean open() {
            return status.equals(ACTIVE);
        }

        Market withStatus(String newStatus) {
            return new Market(
                    ticker,
                    eventTicker,
                    seriesTicker,
                    category,
                    marketId,
                    title,
                    yesSubTitle,
                    tick,
                    fractional,
                    openTime,
                    closeTime,
                    book,
                    lastPrice,
                    volume,
                    openInterest,
                    newStatus);
        }
    }

    /** Kalshi's response status of a trading market. */
    static final String ACTIVE = "active";
    /** Kalshi's response status of a market created but not yet open. */
    static final String INITIALIZED = "initialized";

    /** Ids Kalshi gave the sample markets, so recorded and synthetic frames about them agree. */
    private static final Map<String, String> KNOWN_IDS = Map.of(
            "KXGOLDH-26AUG2711-T4615.99", "ef793c45-beed-4096-8a3a-1c70af894be7",
            "KXBTCD-26AUG2017-T73749.99", "ce3720ea-b877-4589-9250-757c7027f907",
            "KXETHD-26FEB1217-T1819.99", "e6e858e7-a314-489c-82eb-4039d5f19558",
            "KXSOLD-26FEB1317-T73.9999", "1fe42809-e4b1-4ec5-b646-25792a7b4f26",
            "KXXRP-26FEB1317-B1.3899500", "6a958fdf-4723-4333-9531-57111fbc51d3");

    /** Series the replay server knows by name; anything else is filed under "Financials". */
    private static final Map<String, String[]> SERIES = Map.of(
            "KXBTCD", new String[] {"Crypto", "Bitcoin"},
            "KXETHD", new String[] {"Crypto", "Ethereum"},
            "KXSOLD", new String[] {"Crypto", "Solana"},
            "KXXRP", new String[] {"Crypto", "XRP"},
            "KXGOLDH", new String[] {"Financials", "Gold"},
            "KXELONMARS", new String[] {"Science and Technology", "Elon Musk on Mars"},
            "KXCOLONIZEMARS", new String[] {"Science and Technology", "Mars colony"},
            "KXHIGHNY", new String[] {"Climate and Weather", "Highest temperature in NYC"},
            "KXCPI", new String[] {"Economics", "CPI"});

    /** Date codes in event tickers: {@code 26AUG2017} is 2026-08-20 17:00 New York time. */
    private static final Pattern DATE_CODE = Pattern.compile("-(\\d{2})([A-Z]{3})(\\d{2})(\\d{2})?(?:-|$)");

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH);
    /** No date in the ticker (long-dated markets like KXELONMARS-99): close as the sample's does. */
    private static final Instant FAR_CLOSE = Instant.parse("2099-08-01T04:59:00Z");

    private final long seed;
    /** Fields of market objects set on demand ({@code POST /control/markets/{ticker}}), by ticker; copy on write. */
    private volatile Map<String, com.fasterxml.jackson.databind.node.ObjectNode> overrides = Map.of();
    /** Replaced whole on every change, in the order markets were added: readers never lock. */
    private volatile Map<String, Market> markets;

    private KalshiMarketCatalog(List<String> tickers, long seed) {
        this.seed = seed;
        Map<String, Market> initial = new LinkedHashMap<>();
        for (String ticker : tickers) {
            initial.put(ticker, market(ticker, seed, ACTIVE));
        }
        this.markets = initial;
    }

    static KalshiMarketCatalog create(List<String> tickers, long seed) {
        return new KalshiMarketCatalog(tickers, seed);
    }

    List<Market> markets() {
        return List.copyOf(markets.values());
    }

    Optional<Market> market(String ticker) {
        return Optional.ofNullable(markets.get(ticker));
    }

    boolean contains(String ticker) {
        return markets.containsKey(ticker);
    }

    /** Adds a market that is not yet open ({@code initialized}); false when the ticker exists already. */
    synchronized boolean create(String ticker) {
        if (markets.containsKey(ticker)) {
            return false;
        }
        Map<String, Market> next = new LinkedHashMap<>(markets);
        next.put(ticker, market(ticker, seed, INITIALIZED));
        markets = next;
        return true;
    }

    /** Sets a market's response status ({@code active}, {@code inactive}, {@code determined}, ...); false if unknown. */
    synchronized boolean status(String ticker, String status) {
        Market market = markets.get(ticker);
        if (market == null) {
            return false;
        }
        Map<String, Market> next = new LinkedHashMap<>(markets);
        next.put(ticker, market.withStatus(status));
        markets = next;
        return true;
    }

    /**
     * Sets fields of a market's REST object from now on (the title, a close time, anything the object has), on top of
     * what the catalog derives; false when the ticker is unknown.
     */
    synchronized boolean override(String ticker, com.fasterxml.jackson.databind.node.ObjectNode fields) {
        if (!markets.containsKey(ticker)) {
            return false;
        }
        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> next = new java.util.HashMap<>(overrides);
        com.fasterxml.jackson.databind.node.ObjectNode merged =
                next.containsKey(ticker) ? next.get(ticker).deepCopy() : fields.objectNode();
        merged.setAll(fields);
        next.put(ticker, merged);
        overrides = Map.copyOf(next);
        return true;
    }

    /** The fields set on demand for a market, if any. */
    Optional<com.fasterxml.jackson.databind.node.ObjectNode> overrides(String ticker) {
        return Optional.ofNullable(overrides.get(ticker));
    }

    /** The series of the universe: ticker → {category, title}. */
    static String[] series(String seriesTicker) {
        return SERIES.getOrDefault(seriesTicker, new String[] {"Financials", seriesTicker});
    }

    /** {@code KXBTCD-26AUG2017-T73749.99}: series KXBTCD, event KXBTCD-26AUG2017; a two-part ticker is its own event. */
    static String eventTicker(String ticker) {
        int last = ticker.lastIndexOf('-');
        int first = ticker.indexOf('-');
        return first < 0 || first == last ? ticker : ticker.substring(0, last);
    }

    static String seriesTicker(String ticker) {
        int first = ticker.indexOf('-');
        return first < 0 ? ticker : ticker.substring(0, first);
    }

    private static Market market(String ticker, long seed, String status) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ticker.hashCode());
        String series = seriesTicker(ticker);
        String[] known = SERIES.getOrDefault(series, new String[] {"Financials", series});
        int tick = ticker.startsWith("KXCOLONIZEMARS") || Math.floorMod(ticker.hashCode(), 5) == 0 ? DECI_CENT : CENT;
        boolean fractional = random.nextBoolean();
        String id = KNOWN_IDS.getOrDefault(
                ticker,
                UUID.nameUUIDFromBytes(("kalshi:" + ticker).getBytes(StandardCharsets.UTF_8))
                        .toString());
        Instant close = closeTime(ticker);
        String strike = strike(ticker);
        String title = strike == null ? known[1] + "?" : known[1] + " " + strikeText(ticker, strike) + " at close?";
        String yesSubTitle = strike == null ? known[1] : strikeText(ticker, strike);
        KalshiSyntheticBook book = initialBook(random, tick, fractional);
        int last = book.best(Side.YES)
                + tick * random.nextInt(0, Math.max(1, (book.yesAsk() - book.best(Side.YES)) / tick));
        long volume = 100L * random.nextInt(0, 200_000);
        return new Market(
                ticker,
                eventTicker(ticker),
                series,
                known[0],
                id,
                title,
                yesSubTitle,
                tick,
                fractional,
                close.minus(Duration.ofDays(7)),
                close,
                book,
                last,
                volume,
                volume / 3,
                status);
    }

    /**
     * A book that looks like Kalshi's: a few levels a side, best YES bid and best NO bid a few ticks short of a
     * dollar together (the spread), sizes from single contracts to thousands.
     */
    private static KalshiSyntheticBook initialBook(SplittableRandom random, int tick, boolean fractional) {
        int ticks = KalshiSyntheticBook.ONE_DOLLAR / tick;
        int mid = random.nextInt(ticks / 20, ticks - ticks / 20);
        int bestYes = Math.max(1, mid - random.nextInt(1, 4)) * tick;
        int bestNo = Math.max(1, ticks - mid - random.nextInt(1, 4)) * tick;
        KalshiSyntheticBook book = new KalshiSyntheticBook();
        fillSide(book, Side.YES, bestYes, tick, fractional, random);
        fillSide(book, Side.NO, bestNo, tick, fractional, random);
        return book;
    }

    private static void fillSide(
            KalshiSyntheticBook book, Side side, int best, int tick, boolean fractional, SplittableRandom random) {
        int levels = random.nextInt(3, 9);
        for (int i = 0, price = best; i < levels && price >= tick; i++, price -= tick * random.nextInt(1, 4)) {
            book.apply(side, price, size(random, fractional));
        }
    }

    /** A resting size in hundredths: whole contracts, or 0.01 steps where fractional trading is on. */
    static long size(SplittableRandom random, boolean fractional) {
        long contracts = random.nextInt(10) == 0 ? random.nextInt(1000, 20_000) : random.nextInt(1, 600);
        return contracts * 100 + (fractional ? random.nextInt(100) : 0);
    }

    private static Instant closeTime(String ticker) {
        Matcher m = DATE_CODE.matcher(ticker);
        if (!m.find()) {
            return FAR_CLOSE;
        }
        try {
            int month = MONTH.parse(
                            m.group(2).charAt(0) + m.group(2).substring(1).toLowerCase(Locale.ROOT))
                    .get(ChronoField.MONTH_OF_YEAR);
            int hour = m.group(4) == null ? 17 : Integer.parseInt(m.group(4));
            // New York time; daylight saving is ignored (a synthetic close time needs no hour-exact calendar).
            return LocalDateTime.of(
                            2000 + Integer.parseInt(m.group(1)),
                            month,
                            Integer.parseInt(m.group(3)),
                            Math.min(hour, 23),
                            0)
                    .toInstant(ZoneOffset.ofHours(-4));
        } catch (RuntimeException notADate) {
            return FAR_CLOSE;
        }
    }

    /** The strike part of {@code ...-T73749.99} (threshold) or {@code ...-B1.3899500} (bucket), else null. */
    private static String strike(String ticker) {
        String last = ticker.substring(ticker.lastIndexOf('-') + 1);
        return ticker.indexOf('-') != ticker.lastIndexOf('-')
                        && last.length() > 1
                        && (last.charAt(0) == 'T' || last.charAt(0) == 'B')
                ? last.substring(1)
                : null;
    }

    private static String strikeText(String ticker, String strike) {
        return ticker.substring(ticker.lastIndexOf('-') + 1).charAt(0) == 'T' ? "above " + strike : "near " + strike;
    }
}
