/**
 * Kraken Futures, WebSocket v1 ({@code wss://futures.kraken.com/ws/v1}, exchanges/PROTOCOLS.md §3). The client side:
 * {@link io.ssmd.feeds.krakenfutures.KrakenFuturesSettings} (read from the feed's configuration),
 * {@link io.ssmd.feeds.krakenfutures.KrakenFuturesProtocol} (requests and frame names),
 * {@link io.ssmd.feeds.krakenfutures.KrakenFuturesDecoder} (frame → subjects, book checks and resyncs) and
 * {@link io.ssmd.feeds.krakenfutures.KrakenFuturesFeed} (the {@code VenueConnector}). The server side:
 * {@link io.ssmd.feeds.krakenfutures.replay.KrakenFuturesReplayServer}.
 */
package io.ssmd.feeds.krakenfutures;
