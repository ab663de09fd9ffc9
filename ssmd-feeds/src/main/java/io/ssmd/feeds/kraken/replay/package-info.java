/**
 * The replay server's side of the venue: {@link io.ssmd.feeds.kraken.replay.KrakenReplayServer} (paths, REST routes,
 * handshake), {@link io.ssmd.feeds.kraken.replay.KrakenReplaySession} (one client), {@link io.ssmd.feeds.kraken.replay.KrakenFrames}
 * (the frames it writes) and {@link io.ssmd.feeds.kraken.replay.KrakenSyntheticMarket} (synthetic data); recorded mode
 * replays captured frames. Of the client side, only the venue module ({@code XxxVenue}) refers to this package.
 */
package io.ssmd.feeds.kraken.replay;
