package io.ssmd.core.shard;

import java.util.List;
import java.util.Optional;

/**
 * What a venue supplies to ssmd's shard machinery (DESIGN §2): where to connect, how to subscribe, which
 * app-level keepalive to send, and a decoder. Reconnect with backoff, the inbound-silence watchdog, the keepalive
 * timer, the frame size cap, publishing and health live once in {@link FeedShard}; a venue package
 * ({@code KrakenFeed}, ...) implements only this.
 *
 * <p>Implementations are immutable and shared by every shard of a feed; per-connection state belongs in the
 * {@link FrameDecoder}.
 */
public interface VenueConnector {

    /** The venue id ({@code kraken}, {@code kraken-futures}, ...). */
    String venue();

    /** Where and how to connect. Called for every (re)connection, so a venue that signs its handshake signs anew. */
    ConnectTarget target();

    /** The frames to send once connected, subscribing these instruments (true ids) on every channel configured. */
    List<String> subscribe(List<String> instruments);

    /**
     * The app-level keepalive frame, sent every {@code keepalive.ping-interval} of the feed file (Kraken:
     * {@code {"method":"ping"}}); empty when the venue needs none. Sending it proves nothing: only inbound traffic
     * counts as life for the watchdog.
     */
    Optional<String> keepalive();

    /**
     * Frames that add instruments to an open connection (Polymarket's dynamic subscribe), when the venue can; empty
     * when it cannot, and a shard whose instruments change then reconnects with its new list.
     */
    default List<String> addLive(List<String> instruments) {
        return List.of();
    }

    /** Frames that take instruments off an open connection; see {@link #addLive}. */
    default List<String> removeLive(List<String> instruments) {
        return List.of();
    }

    /** Whether {@link #addLive} and {@link #removeLive} work, so a shard changes its instruments without reconnecting. */
    default boolean changesLive() {
        return false;
    }

    /**
     * The subject type ({@code orderbook}, {@code ticker}, {@code trade}) a channel's per-instrument market data goes
     * on, for per-instrument liveness (the feed file's {@code liveness.quiet-time}); empty when the channel carries
     * none (a heartbeat, a feed-wide channel) or carries several types, and liveness cannot watch it.
     */
    default Optional<String> subjectType(String channel) {
        return Optional.empty();
    }

    /**
     * Frames that unsubscribe and subscribe again these instruments on one channel of the open connection, so that the
     * venue starts sending them anew (with a fresh snapshot where the channel has one): what per-instrument liveness
     * sends for an instrument the venue acked and then left silent. Empty when the venue cannot, and the quiet
     * instrument is only reported.
     */
    default List<String> resubscribe(String channel, List<String> instruments) {
        return List.of();
    }

    /**
     * Whether a new connection gets a venue book snapshot of every instrument it subscribes (a book channel among the
     * feed's channels): a shard renewing its connection (DESIGN §17) then switches to the new one only once it holds
     * every instrument's snapshot. False (the default) when the connection carries no books, and the new connection
     * takes over once the venue has answered its subscribes.
     */
    default boolean booksOnSubscribe() {
        return false;
    }

    /**
     * A connector for one extra shard of the feed that carries feed-wide channels rather than instruments (Kalshi's
     * {@code market_lifecycle_v2}, which ignores ticker filters). The feed manager runs it as the shard
     * {@code {feed}-{name}}, subscribed with no instruments; empty for venues that need none.
     */
    default Optional<Companion> companion() {
        return Optional.empty();
    }

    /** See {@link #companion()}: {@code name} is a lower-case token ({@code lifecycle}). */
    record Companion(String name, VenueConnector connector) {}

    /**
     * Where the venue's own time sits in its frames, for {@code ssmd_connector_lag_seconds}; {@link VenueClock#NONE}
     * (the default) when its frames carry none.
     */
    default VenueClock venueClock() {
        return VenueClock.NONE;
    }

    /** A decoder for one connection of one shard; its state (books, sequence numbers) dies with the connection. */
    FrameDecoder decoder(ShardContext shard);
}
