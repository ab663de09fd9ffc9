package io.ssmd.feeds.polymarket.replay;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The markets a Polymarket replay server serves: the real markets of the venue samples by default, or markets
 * built from a list of token ids (consecutive ids pair up as the two outcomes of one market).
 */
public final class PolymarketUniverse {

    /**
     * Real markets whose two token ids both appear in the venue samples (exchanges/polymarket): Gamma's BTC Up or
     * Down sample, the two markets of the nautilus captures and archive, and the docs' NVDA new_market example.
     * Starting prices are near the recorded ones; the NVDA market starts near the 0.04 edge where Polymarket
     * switches to a 0.001 tick, so tick_size_change happens.
     */
    private static final List<PolymarketMarket> DEFAULTS = List.of(
            new PolymarketMarket(
                    "1557558",
                    "Bitcoin Up or Down - March 12, 5:20AM-5:25AM ET",
                    "0x78443f961b9a65869dcb39359de9960165c7e5cbad0904eac7f29cd77872a63b",
                    "btc-updown-5m-1773307200",
                    "104239898038807136052399800151408521467737075933964991162589336683346093173875",
                    "71183960810705820955071415844881728181970340514894896943812046065452395013351",
                    List.of("Up", "Down"),
                    505,
                    10),
            new PolymarketMarket(
                    "1000001",
                    "Replay market 0xdd22472e (question not recorded)",
                    "0xdd22472e552920b8438158ea7238bfadfa4f736aa4cee91a6b86c39ead110917",
                    "replay-market-0xdd22472e",
                    "48331043336612883890938759509493159234755048973500640148014422747788308965732",
                    "21742633143463906290569050155826241533067272736897614950488156847949938836455",
                    List.of("Yes", "No"),
                    512,
                    10),
            new PolymarketMarket(
                    "1000002",
                    "Replay market 0x14002070 (question not recorded)",
                    "0x14002070e74acaf96f70c8dfb881586b156c814fac0c1ac417b84c6c76687d00",
                    "replay-market-0x14002070",
                    "1627500284739545390204314775735988068784669364445492030335161034375823784781",
                    "7849332184617640056758089974170387917558941201674921732369975950049491747956",
                    List.of("Yes", "No"),
                    460,
                    10),
            new PolymarketMarket(
                    "1031769",
                    "Will NVIDIA (NVDA) close above $240 end of January?",
                    "0x311d0c4b6671ab54af4970c06fcf58662516f5168997bdda209ec3db5aa6b0c1",
                    "nvda-above-240-on-january-30-2026",
                    "76043073756653678226373981964075571318267289248134717369284518995922789326425",
                    "31690934263385727664202099278545688007799199447969475608906331829650099442770",
                    List.of("Yes", "No"),
                    55,
                    10));

    private final List<PolymarketMarket> markets;
    private final Map<String, PolymarketMarket> byToken = new LinkedHashMap<>();

    private PolymarketUniverse(List<PolymarketMarket> markets) {
        this.markets = List.copyOf(markets);
        for (PolymarketMarket market : markets) {
            byToken.put(market.yesToken(), market);
            byToken.put(market.noToken(), market);
        }
    }

    /** The default universe: the real markets of the samples. */
    public static PolymarketUniverse defaults() {
        return new PolymarketUniverse(DEFAULTS);
    }

    /**
     * The universe of these token ids, paired in order into markets (the defaults' pairs keep their real metadata).
     * An odd last id gets a derived twin, so every served token has its complement.
     */
    public static PolymarketUniverse of(List<String> tokens) {
        if (tokens.isEmpty()) {
            return defaults();
        }
        List<PolymarketMarket> markets = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i += 2) {
            String yes = tokens.get(i);
            String no = i + 1 < tokens.size() ? tokens.get(i + 1) : derivedToken(yes);
            markets.add(known(yes, no).orElseGet(() -> derivedMarket(yes, no)));
        }
        return new PolymarketUniverse(markets);
    }

    /** The default token ids: both tokens of each default market, in order. */
    public static List<String> defaultTokens() {
        return tokensOf(DEFAULTS);
    }

    /** {@code n} token ids: the defaults first, then derived ones, the same for every call. */
    public static List<String> tokens(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be 0 or more, got " + n);
        }
        List<String> tokens = new ArrayList<>(defaultTokens());
        SplittableRandom random = new SplittableRandom(0x9e3779b97f4a7c15L);
        while (tokens.size() < n) {
            tokens.add(randomTokenId(random));
        }
        return List.copyOf(tokens.subList(0, n));
    }

    public List<PolymarketMarket> markets() {
        return markets;
    }

    /** Every served token id, in market order. */
    public List<String> tokens() {
        return tokensOf(markets);
    }

    public Optional<PolymarketMarket> marketOf(String token) {
        return Optional.ofNullable(byToken.get(token));
    }

    public boolean serves(String token) {
        return byToken.containsKey(token);
    }

    private static List<String> tokensOf(List<PolymarketMarket> markets) {
        List<String> tokens = new ArrayList<>(markets.size() * 2);
        markets.forEach(market -> tokens.addAll(market.tokens()));
        return List.copyOf(tokens);
    }

    private static Optional<PolymarketMarket> known(String yes, String no) {
        return DEFAULTS.stream()
                .filter(m -> m.yesToken().equals(yes) && m.noToken().equals(no))
                .findFirst();
    }

    /** A market for tokens the samples do not know: ids and prices derived from the first token, so reproducible. */
    private static PolymarketMarket derivedMarket(String yes, String no) {
        byte[] digest = sha256(yes);
        String conditionId = "0x" + HexFormat.of().formatHex(digest);
        SplittableRandom random = new SplittableRandom(new BigInteger(1, digest).longValue());
        long id = 2_000_000 + random.nextInt(8_000_000);
        int start = 20 + random.nextInt(961);
        String shortId = conditionId.substring(0, 10);
        int tick = start < 40 || start > 960 ? 1 : 10;
        return new PolymarketMarket(
                Long.toString(id),
                "Synthetic market " + shortId + "?",
                conditionId,
                "synthetic-market-" + shortId,
                yes,
                no,
                List.of("Yes", "No"),
                start,
                tick);
    }

    private static String derivedToken(String token) {
        return randomTokenId(new SplittableRandom(new BigInteger(1, sha256("complement:" + token)).longValue()));
    }

    /**
     * Token ids are uint256 values printed in decimal: usually 76 to 78 digits, never a leading zero; a 78-digit one
     * starts with 10 to stay below 2^256 (1.157...e77).
     */
    private static String randomTokenId(SplittableRandom random) {
        int digits = 76 + random.nextInt(3);
        StringBuilder id = new StringBuilder(digits);
        id.append(digits == 78 ? "10" : String.valueOf((char) ('1' + random.nextInt(9))));
        while (id.length() < digits) {
            id.append((char) ('0' + random.nextInt(10)));
        }
        return id.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
