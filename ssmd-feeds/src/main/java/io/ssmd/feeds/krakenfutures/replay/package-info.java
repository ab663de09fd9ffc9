/**
 * The replay server's side of the venue: {@link io.ssmd.feeds.krakenfutures.replay.KrakenFuturesReplayServer} (paths, REST routes,
 * handshake), {@link io.ssmd.feeds.krakenfutures.replay.KrakenFuturesReplaySession} (one client), {@link io.ssmd.feeds.krakenfutures.replay.KrakenFuturesFrames}
 * (the frames it writes) and {@link io.ssmd.feeds.krakenfutures.replay.KrakenFuturesSyntheticMarket} (synthetic data); recorded mode
 * replays captured frames. Of the client side, only the venue module ({@code XxxVenue}) refers to this package.
 */
package io.ssmd.feeds.krakenfutures.replay;
