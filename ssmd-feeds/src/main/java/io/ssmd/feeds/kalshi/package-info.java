/**
 * Kalshi Trade API WebSocket v2. Client side: {@link io.ssmd.feeds.kalshi.KalshiSettings},
 * {@link io.ssmd.feeds.kalshi.KalshiSigner} (the signed handshake), {@link io.ssmd.feeds.kalshi.KalshiDecoder},
 * {@link io.ssmd.feeds.kalshi.KalshiFeed} (the {@code VenueConnector}) and
 * {@link io.ssmd.feeds.kalshi.KalshiDiscovery} (REST market discovery). Server side:
 * {@link io.ssmd.feeds.kalshi.replay.KalshiReplayServer}, the venue of {@code ssmd replay-server --venue kalshi}.
 */
package io.ssmd.feeds.kalshi;
