/**
 * Kraken Futures, WebSocket v1 ({@code wss://futures.kraken.com/ws/v1}, exchanges/PROTOCOLS.md §3). For now the
 * server side only: {@link io.ssmd.feeds.krakenfutures.KrakenFuturesReplayServer}. The client side (settings,
 * decoder, feed) arrives with the connector issue.
 */
package io.ssmd.feeds.krakenfutures;
