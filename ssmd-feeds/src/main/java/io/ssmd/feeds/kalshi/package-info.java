/**
 * Kalshi Trade API WebSocket v2. For now the server side only: {@link io.ssmd.feeds.kalshi.KalshiReplayServer},
 * the venue of {@code ssmd replay-server --venue kalshi}; the connector (settings, decoder, feed) comes with its
 * issue.
 */
package io.ssmd.feeds.kalshi;
