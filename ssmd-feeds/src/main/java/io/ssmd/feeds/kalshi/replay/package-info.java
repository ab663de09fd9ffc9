/**
 * The replay server's side of the venue: {@link io.ssmd.feeds.kalshi.replay.KalshiReplayServer} (paths, REST routes,
 * handshake), {@link io.ssmd.feeds.kalshi.replay.KalshiReplaySession} (one client), {@link io.ssmd.feeds.kalshi.replay.KalshiFrames}
 * (the frames it writes) and {@link io.ssmd.feeds.kalshi.replay.KalshiSyntheticMarket} (synthetic data); recorded mode
 * replays captured frames. Of the client side, only the venue module ({@code XxxVenue}) refers to this package.
 */
package io.ssmd.feeds.kalshi.replay;
