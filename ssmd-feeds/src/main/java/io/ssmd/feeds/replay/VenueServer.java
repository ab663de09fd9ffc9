package io.ssmd.feeds.replay;

import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The server side of one venue's protocol, as the replay server hosts it: where its WebSocket lives, the REST
 * endpoints that discovery needs, how the handshake is checked and how each client session behaves. One
 * implementation per venue package ({@code KrakenReplayServer}, ...); {@link ReplayServer} does the plumbing.
 */
public interface VenueServer {

    /** The venue id, e.g. {@code kraken-futures}. */
    String venue();

    /** The WebSocket path, e.g. {@code /v2} for Kraken spot or {@code /trade-api/ws/v2} for Kalshi. */
    String websocketPath();

    /** REST routes served beside the WebSocket (AssetPairs, markets, Gamma). */
    Route rest();

    /**
     * Checks the upgrade request before the WebSocket is accepted.
     *
     * @return empty to accept, or the response to send instead (Kalshi answers 401 to a bad signature)
     */
    default Optional<HttpResponse> authenticate(HttpRequest request) {
        return Optional.empty();
    }

    /** WebSocket ping frames the server sends on an idle connection (Kalshi: every 10 s); empty: none. */
    default Optional<Duration> websocketPingInterval() {
        return Optional.empty();
    }

    /** A new client's session; {@link ReplaySession} calls it from one stream stage only, so it needs no locks. */
    VenueSession newSession(SessionContext context);
}
