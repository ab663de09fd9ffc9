package io.ssmd.feeds.krakenfutures.replay;

import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.feeds.replay.VenueSession;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Kraken Futures WebSocket v1 on localhost ({@code /ws/v1}): public feeds {@code book}, {@code trade},
 * {@code ticker} and {@code heartbeat}, from the synthetic market or a recording. See
 * docs/replay-server.md (Kraken Futures) for the frames, the faults and the choices made where Kraken's documentation
 * is silent.
 */
public final class KrakenFuturesReplayServer implements VenueServer {

    private static final List<String> DEFAULTS =
            List.of("PF_XBTUSD", "PF_ETHUSD", "PF_SOLUSD", "PF_XRPUSD", "PF_LTCUSD");
    private static final List<String> FEEDS = List.of("book", "trade", "ticker");

    private final Set<String> universe;
    private final KrakenFuturesInstrumentsRoute instruments;

    private KrakenFuturesReplayServer(Set<String> universe) {
        this.universe = universe;
        this.instruments = new KrakenFuturesInstrumentsRoute(universe);
    }

    /**
     * The venue for these settings. Synthetic mode serves {@code settings.instruments()}, or
     * {@link #defaultInstruments()} when there are none; recorded mode serves any product the recording has, unless
     * instruments are given.
     */
    public static KrakenFuturesReplayServer create(ReplaySettings settings) {
        List<String> instruments = !settings.instruments().isEmpty()
                ? settings.instruments()
                : settings.synthetic() ? DEFAULTS : List.of();
        return new KrakenFuturesReplayServer(Set.copyOf(new LinkedHashSet<>(instruments)));
    }

    /** The default synthetic universe: Kraken's largest linear perpetuals. */
    public static List<String> defaultInstruments() {
        return DEFAULTS;
    }

    /**
     * {@code n} product ids shaped like Kraken's linear perpetuals: the defaults first, then {@code PF_SYN0001USD},
     * {@code PF_SYN0002USD}... The same for every call.
     */
    public static List<String> syntheticInstruments(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be 0 or more, got " + n);
        }
        List<String> ids = new ArrayList<>(DEFAULTS.subList(0, Math.min(n, DEFAULTS.size())));
        for (int i = 1; ids.size() < n; i++) {
            ids.add(String.format("PF_SYN%04dUSD", i));
        }
        return ids;
    }

    /**
     * The client frames that subscribe to every market-data feed of these products: one
     * {@code {"event":"subscribe","feed":...,"product_ids":[...]}} per feed ({@code book}, {@code trade},
     * {@code ticker}). The heartbeat feed, which has no products, is not among them.
     */
    public static List<String> subscribeMessages(List<String> instruments) {
        if (instruments.isEmpty()) {
            return List.of();
        }
        List<String> messages = new ArrayList<>(FEEDS.size());
        for (String feed : FEEDS) {
            messages.add(KrakenFuturesFrames.subscribe(feed, instruments));
        }
        return messages;
    }

    @Override
    public String venue() {
        return "kraken-futures";
    }

    @Override
    public String websocketPath() {
        return "/ws/v1";
    }

    /**
     * {@code GET /derivatives/api/v3/instruments}, the contract listing the security master syncs from, and
     * {@code POST /control/instruments/{symbol}} to change one (see {@link KrakenFuturesInstrumentsRoute}).
     */
    @Override
    public Route rest() {
        return instruments.route();
    }

    @Override
    public VenueSession newSession(SessionContext context) {
        return new KrakenFuturesReplaySession(context, universe);
    }
}
