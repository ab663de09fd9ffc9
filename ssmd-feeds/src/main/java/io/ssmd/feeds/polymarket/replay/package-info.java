/**
 * The replay server's side of the venue: {@link io.ssmd.feeds.polymarket.replay.PolymarketReplayServer} (paths, REST routes,
 * handshake), {@link io.ssmd.feeds.polymarket.replay.PolymarketReplaySession} (one client), {@link io.ssmd.feeds.polymarket.replay.PolymarketFrames}
 * (the frames it writes) and {@link io.ssmd.feeds.polymarket.replay.PolymarketSyntheticMarket} (synthetic data); recorded mode
 * replays captured frames. Of the client side, only the venue module ({@code XxxVenue}) refers to this package.
 */
package io.ssmd.feeds.polymarket.replay;
