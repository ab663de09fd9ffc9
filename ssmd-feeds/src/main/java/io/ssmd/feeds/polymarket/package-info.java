/**
 * Polymarket's CLOB market channel and Gamma discovery (exchanges/PROTOCOLS.md §4). The client side:
 * {@link io.ssmd.feeds.polymarket.PolymarketVenue}, {@link io.ssmd.feeds.polymarket.PolymarketSettings},
 * {@link io.ssmd.feeds.polymarket.PolymarketProtocol}, {@link io.ssmd.feeds.polymarket.PolymarketDecoder} (with
 * {@link io.ssmd.feeds.polymarket.PolymarketLocalBook}), {@link io.ssmd.feeds.polymarket.PolymarketFeed} and
 * {@link io.ssmd.feeds.polymarket.PolymarketDiscovery}. The server side, in {@code replay}:
 * {@link io.ssmd.feeds.polymarket.replay.PolymarketReplayServer} (WebSocket and Gamma).
 */
package io.ssmd.feeds.polymarket;
