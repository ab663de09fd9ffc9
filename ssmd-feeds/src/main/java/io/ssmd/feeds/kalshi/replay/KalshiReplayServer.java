package io.ssmd.feeds.kalshi.replay;

import io.ssmd.feeds.kalshi.KalshiProtocol;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.feeds.replay.VenueSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Kalshi Trade API WebSocket v2, server side, for {@code ssmd replay-server --venue kalshi}: the signed handshake
 * on {@code /trade-api/ws/v2}, the subscription commands, orderbook/ticker/trade/lifecycle data in the current
 * fixed-point schema, WebSocket pings every 10 s, {@code GET /trade-api/v2/events} and {@code /markets} for
 * discovery, and {@code POST /control/lifecycle} to create, open and settle markets while clients watch. See
 * docs/replay-server.md (Kalshi).
 */
public final class KalshiReplayServer implements VenueServer {

    /** Kalshi pings every 10 s (PROTOCOLS.md §1.3). */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(10);

    /**
     * Real market tickers, most from the sample captures: crypto and gold strike ladders (note the dots) and two
     * long-dated markets, one on a $0.001 tick.
     */
    private static final List<String> DEFAULT_INSTRUMENTS = List.of(
            "KXBTCD-26AUG2017-T73749.99",
            "KXETHD-26FEB1217-T1819.99",
            "KXGOLDH-26AUG2711-T4615.99",
            "KXGOLDH-26AUG2711-T4617.99",
            "KXSOLD-26FEB1317-T73.9999",
            "KXXRP-26FEB1317-B1.3899500",
            "KXELONMARS-99",
            "KXCOLONIZEMARS-50");

    /** A strike ladder of one event: {@code prefix + (first + k * step) + decimals}. */
    private record Ladder(String prefix, int first, int step, String decimals) {
        String ticker(int k) {
            return prefix + (first + k * step) + decimals;
        }
    }

    /** Ladders that extend the defaults, strikes spaced as Kalshi spaces them. */
    private static final List<Ladder> LADDERS = List.of(
            new Ladder("KXBTCD-26AUG2017-T", 73749, 250, ".99"),
            new Ladder("KXETHD-26FEB1217-T", 1819, 20, ".99"),
            new Ladder("KXGOLDH-26AUG2711-T", 4615, 2, ".99"),
            new Ladder("KXSOLD-26FEB1317-T", 73, 1, ".9999"));

    private final KalshiMarketCatalog catalog;
    private final KalshiLifecycleEvents lifecycle;
    private final KalshiHandshake handshake;
    private final Duration pingInterval;
    /** Ticker → {@link System#nanoTime()} when a client's subscribe or update_subscription first named it, accepted. */
    private final Map<String, Long> firstSubscribed = new ConcurrentHashMap<>();

    KalshiReplayServer(ReplaySettings settings, Duration pingInterval) {
        List<String> universe = settings.instruments().isEmpty() ? DEFAULT_INSTRUMENTS : settings.instruments();
        this.catalog = KalshiMarketCatalog.create(universe, settings.seed());
        this.lifecycle = new KalshiLifecycleEvents(catalog);
        this.handshake = new KalshiHandshake(
                settings.kalshiPublicKey().map(KalshiHandshake::readPublicKey),
                settings.maxClockSkew(),
                System::currentTimeMillis);
        this.pingInterval = pingInterval;
    }

    /**
     * The Kalshi venue for these settings: universe {@code settings.instruments()} or {@link #defaultInstruments()},
     * handshake signatures checked against {@code settings.kalshiPublicKey()} when set.
     *
     * @throws IllegalArgumentException when the public key file holds no RSA public key
     */
    public static KalshiReplayServer create(ReplaySettings settings) {
        return new KalshiReplayServer(settings, PING_INTERVAL);
    }

    /** The default synthetic universe: real Kalshi tickers. */
    public static List<String> defaultInstruments() {
        return DEFAULT_INSTRUMENTS;
    }

    /**
     * {@code n} Kalshi-shaped tickers: the defaults first, then more strikes of the same crypto and gold events
     * (e.g. {@code KXETHD-26FEB1217-T1839.99}). Always the same list for the same {@code n}.
     */
    public static List<String> syntheticInstruments(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be 0 or more, got " + n);
        }
        Set<String> tickers =
                new LinkedHashSet<>(DEFAULT_INSTRUMENTS.subList(0, Math.min(n, DEFAULT_INSTRUMENTS.size())));
        for (int k = 1; tickers.size() < n; k++) {
            for (int i = 0; i < LADDERS.size() && tickers.size() < n; i++) {
                tickers.add(LADDERS.get(i).ticker(k));
            }
        }
        return List.copyOf(tickers);
    }

    /**
     * {@code n} new tickers for a rollover ({@code POST /control/lifecycle} creates them): half daily Bitcoin strikes
     * (Crypto), half New York highs (Climate and Weather), none in {@link #syntheticInstruments}. The same list for the
     * same {@code n}.
     */
    public static List<String> rolloverInstruments(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be 0 or more, got " + n);
        }
        List<String> tickers = new ArrayList<>(n + 1);
        for (int k = 0; tickers.size() < n; k++) {
            tickers.add("KXBTCD-26DEC0617-T" + (70_000 + 250 * k) + ".99");
            tickers.add("KXHIGHNY-26DEC06-T" + (2_000 + k));
        }
        return List.copyOf(tickers.subList(0, n));
    }

    /**
     * The client frame that subscribes to every market-data channel (orderbook_delta, ticker, trade,
     * market_lifecycle_v2) of these markets: one {@code subscribe} command, acked once per channel. Empty for no
     * instruments (orderbook_delta needs tickers).
     */
    public static List<String> subscribeMessages(List<String> instruments) {
        if (instruments.isEmpty()) {
            return List.of();
        }
        StringBuilder b = new StringBuilder(128 + 32 * instruments.size())
                .append("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":");
        KalshiProtocol.strings(b, KalshiProtocol.MARKET_DATA_CHANNELS);
        b.append(",\"market_tickers\":");
        KalshiProtocol.strings(b, new ArrayList<>(new LinkedHashSet<>(instruments)));
        return List.of(b.append("}}").toString());
    }

    @Override
    public String venue() {
        return "kalshi";
    }

    @Override
    public String websocketPath() {
        return KalshiProtocol.WEBSOCKET_PATH;
    }

    @Override
    public Route rest() {
        KalshiMarketsRoute markets = new KalshiMarketsRoute(catalog);
        return Directives.concat(markets.route(), markets.control(), lifecycle.route());
    }

    @Override
    public Optional<HttpResponse> authenticate(HttpRequest request) {
        return handshake.check(request);
    }

    @Override
    public Optional<Duration> websocketPingInterval() {
        return Optional.of(pingInterval);
    }

    @Override
    public VenueSession newSession(SessionContext context) {
        return new KalshiReplaySession(
                context, catalog, lifecycle, ticker -> firstSubscribed.putIfAbsent(ticker, System.nanoTime()));
    }

    /**
     * When a client of this server first subscribed {@code ticker} ({@code subscribe} or {@code update_subscription
     * add_markets}, accepted), as {@link System#nanoTime()} of this JVM, the moment the command was read: what a
     * benchmark running the server in its own JVM compares with its own clock ({@code ssmd bench secmaster}).
     */
    public OptionalLong firstSubscribedNanos(String ticker) {
        Long at = firstSubscribed.get(ticker);
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
    }
}
