package io.ssmd.feeds.kraken.replay;

import io.ssmd.feeds.kraken.KrakenProtocol;
import io.ssmd.feeds.replay.ReplaySettings;
import io.ssmd.feeds.replay.SessionContext;
import io.ssmd.feeds.replay.VenueServer;
import io.ssmd.feeds.replay.VenueSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The server side of Kraken spot WebSocket v2 ({@code ws://host:port/v2}) and of REST {@code /0/public/AssetPairs},
 * for the replay server (see docs/replay-server.md, Kraken section).
 *
 * <p>The synthetic universe is {@code settings.instruments()}, else {@link #defaultInstruments()}; a subscription
 * to anything else is refused with {@code Currency pair not supported X}. In recorded mode any {@code BASE/QUOTE}
 * symbol may be subscribed (the recording decides what arrives) unless instruments were given.
 */
public final class KrakenReplayServer implements VenueServer {

    /** The venue id of {@code --venue}. */
    public static final String VENUE = "kraken";

    /**
     * Kraken expects client traffic at least once a minute (exchanges/PROTOCOLS.md §2.3); its clients ping every
     * 30 s for that reason.
     */
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final List<String> universe;
    private final Predicate<String> listed;
    private final Duration idleTimeout;

    private KrakenReplayServer(ReplaySettings settings) {
        for (String instrument : settings.instruments()) {
            if (!KrakenProtocol.wellFormed(instrument)) {
                throw new IllegalArgumentException("Kraken spot symbols look like BTC/USD, got '" + instrument + "'");
            }
        }
        this.universe = settings.instruments().isEmpty() ? defaultInstruments() : settings.instruments();
        Set<String> members = Set.copyOf(universe);
        this.listed = settings.synthetic() || !settings.instruments().isEmpty()
                ? members::contains
                : KrakenProtocol::wellFormed;
        this.idleTimeout = settings.clientIdleTimeout().orElse(DEFAULT_IDLE_TIMEOUT);
    }

    /** @throws IllegalArgumentException when an instrument is not a {@code BASE/QUOTE} symbol */
    public static KrakenReplayServer create(ReplaySettings settings) {
        return new KrakenReplayServer(settings);
    }

    /** Real Kraken pairs, in v2 names: BTC/USD, ETH/USD, SOL/USD, XRP/USD, USDT/USD, DOGE/USD, ADA/USD, LTC/USD. */
    public static List<String> defaultInstruments() {
        return KrakenInstruments.defaultSymbols();
    }

    /** {@code n} symbols: the defaults first, then made-up pairs of the same shape ({@code SAAA/USD}...). */
    public static List<String> syntheticInstruments(int n) {
        return KrakenInstruments.syntheticSymbols(n);
    }

    /**
     * What a client sends to follow these instruments completely: one subscribe each for {@code book} (depth 10),
     * {@code trade} and {@code ticker}, with {@code req_id} 1, 2 and 3. Kraken answers one ack per symbol.
     */
    public static List<String> subscribeMessages(List<String> instruments) {
        StringBuilder symbols = new StringBuilder("[");
        for (int i = 0; i < instruments.size(); i++) {
            symbols.append(i > 0 ? "," : "").append(KrakenProtocol.quote(instruments.get(i)));
        }
        symbols.append(']');
        List<String> messages = new ArrayList<>(3);
        messages.add("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":" + symbols
                + ",\"depth\":10,\"snapshot\":true},\"req_id\":1}");
        messages.add("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":" + symbols
                + ",\"snapshot\":true},\"req_id\":2}");
        messages.add("{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":" + symbols
                + ",\"snapshot\":true},\"req_id\":3}");
        return messages;
    }

    /** The pairs served: the synthetic universe, also what AssetPairs lists. */
    public List<String> universe() {
        return universe;
    }

    @Override
    public String venue() {
        return VENUE;
    }

    @Override
    public String websocketPath() {
        return "/v2";
    }

    @Override
    public Route rest() {
        return new KrakenAssetPairsRoute(universe).route();
    }

    @Override
    public VenueSession newSession(SessionContext context) {
        return new KrakenReplaySession(context, listed, idleTimeout);
    }
}
