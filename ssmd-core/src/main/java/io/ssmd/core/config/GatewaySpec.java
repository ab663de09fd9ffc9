package io.ssmd.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway (DESIGN §7).
 *
 * @param enabled          whether nodes with the gateway role serve clients
 * @param apiKeysFile      a file of SHA-256 hashes of accepted API keys; when empty, no key is required
 * @param clientQueueSize  events a WebSocket client may have waiting before its oldest are dropped
 * @param maxLag           how long a client may stay behind (its oldest waiting event that old) before it is closed
 * @param recentTrades     trades kept per instrument for {@code /v1/markets/{feed}/{id}/trades}
 * @param maxClients       WebSocket clients a gateway node serves at once; one more is refused with 503
 * @param maxSubscriptions feed × symbol × type combinations one client may hold: each costs index entries under the
 *                         gateway's lock, so this and {@code maxClients} bound the gateway's subscription state
 * @param closeGrace       how long a client closed for lagging gets to read its closing message (behind what it had
 *                         in flight) before its connection is failed
 */
public record GatewaySpec(
        boolean enabled,
        Optional<Path> apiKeysFile,
        int clientQueueSize,
        Duration maxLag,
        int recentTrades,
        int maxClients,
        int maxSubscriptions,
        Duration closeGrace) {

    public static final int DEFAULT_CLIENT_QUEUE_SIZE = 10_000;
    public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(30);
    public static final int DEFAULT_RECENT_TRADES = 200;
    public static final int DEFAULT_MAX_CLIENTS = 1_000;
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 1_000;
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(3);

    /** With the default client and subscription limits. */
    public GatewaySpec(
            boolean enabled, Optional<Path> apiKeysFile, int clientQueueSize, Duration maxLag, int recentTrades) {
        this(
                enabled,
                apiKeysFile,
                clientQueueSize,
                maxLag,
                recentTrades,
                DEFAULT_MAX_CLIENTS,
                DEFAULT_MAX_SUBSCRIPTIONS,
                DEFAULT_CLOSE_GRACE);
    }

    /** Enabled or not, with every other setting at its default. */
    public static GatewaySpec defaults(boolean enabled, Optional<Path> apiKeysFile) {
        return new GatewaySpec(enabled, apiKeysFile, DEFAULT_CLIENT_QUEUE_SIZE, DEFAULT_MAX_LAG, DEFAULT_RECENT_TRADES);
    }

    /** The same with other client and subscription limits. */
    public GatewaySpec withLimits(int clients, int subscriptions) {
        return new GatewaySpec(
                enabled, apiKeysFile, clientQueueSize, maxLag, recentTrades, clients, subscriptions, closeGrace);
    }

    /** The same with another grace for a closing client to read its closing message. */
    public GatewaySpec withCloseGrace(Duration grace) {
        return new GatewaySpec(
                enabled, apiKeysFile, clientQueueSize, maxLag, recentTrades, maxClients, maxSubscriptions, grace);
    }
}
