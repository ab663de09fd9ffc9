package io.ssmd.feeds.polymarket.replay;

import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.feeds.replay.VenueSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Polymarket's CLOB market channel, server side: the WebSocket {@code /ws/market} (see
 * {@link PolymarketReplaySession}) and Gamma's {@code GET /markets} for discovery, over a universe of binary markets
 * (the samples' real markets by default, or {@link ReplaySettings#instruments()} paired into markets).
 */
public final class PolymarketReplayServer implements VenueServer {

    /**
     * Polymarket documents that idle connections are closed and that clients PING every 10 s, but not after how
     * long: 60 s is our choice, not a documented value.
     */
    public static final Duration DEFAULT_CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Stated by third-party material only (PROTOCOLS.md 4.2): one subscribe frame carries at most this many. */
    static final int ASSETS_PER_FRAME = 500;

    private final PolymarketUniverse universe;
    private final Duration idleTimeout;
    private final PolymarketGammaRoutes gamma;

    private PolymarketReplayServer(ReplaySettings settings) {
        this.universe = PolymarketUniverse.of(settings.instruments());
        this.idleTimeout = settings.clientIdleTimeout().orElse(DEFAULT_CLIENT_IDLE_TIMEOUT);
        // Gamma shows the opening books of the server's first session.
        SessionContext first = new SessionContext(1, settings, null, Duration.ZERO);
        this.gamma = new PolymarketGammaRoutes(universe, new PolymarketSyntheticMarket(universe, first.seed()));
    }

    /** The Polymarket venue for these settings. */
    public static PolymarketReplayServer create(ReplaySettings settings) {
        return new PolymarketReplayServer(settings);
    }

    /** The default synthetic universe: both token ids of each real market in the venue samples. */
    public static List<String> defaultInstruments() {
        return PolymarketUniverse.defaultTokens();
    }

    /**
     * {@code n} token ids, the defaults first, then derived ids of the same shape (decimal uint256), the same on
     * every call. Consecutive ids pair up into one market's two outcomes.
     */
    public static List<String> syntheticInstruments(int n) {
        return PolymarketUniverse.tokens(n);
    }

    /**
     * The frames that subscribe a fresh connection to the market channel of these token ids: the initial
     * {@code {"assets_ids":[…],"type":"market"}}, then {@code {"operation":"subscribe",…}} frames for ids beyond
     * the first {@value #ASSETS_PER_FRAME}; none for no ids.
     */
    public static List<String> subscribeMessages(List<String> instruments) {
        List<String> frames = new ArrayList<>();
        for (int from = 0; from < instruments.size(); from += ASSETS_PER_FRAME) {
            List<String> chunk = instruments.subList(from, Math.min(instruments.size(), from + ASSETS_PER_FRAME));
            StringBuilder frame =
                    new StringBuilder(from == 0 ? "{" : "{\"operation\":\"subscribe\",").append("\"assets_ids\":[");
            for (int i = 0; i < chunk.size(); i++) {
                frame.append(i == 0 ? "\"" : ",\"").append(chunk.get(i)).append('"');
            }
            frames.add(frame.append(from == 0 ? "],\"type\":\"market\"}" : "]}").toString());
        }
        return frames;
    }

    @Override
    public String venue() {
        return "polymarket";
    }

    @Override
    public String websocketPath() {
        return "/ws/market";
    }

    @Override
    public Route rest() {
        return gamma.route();
    }

    @Override
    public VenueSession newSession(SessionContext context) {
        return new PolymarketReplaySession(context, universe, idleTimeout);
    }

    /** The markets served. */
    public PolymarketUniverse universe() {
        return universe;
    }
}
