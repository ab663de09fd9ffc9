/**
 * The venues, one package per venue (kalshi, kraken, krakenfutures, polymarket), all of one shape: the client side
 * ({@code XxxVenue}, {@code XxxSettings}, {@code XxxProtocol}, {@code XxxDecoder}, {@code XxxNormalizer},
 * {@code XxxLocalBook}, {@code XxxFeed}) in the venue's package, the replay server's side ({@code XxxReplayServer},
 * {@code XxxReplaySession}, {@code XxxFrames}, {@code XxxSyntheticMarket}, {@code XxxRecorded...}) in its
 * {@code replay} subpackage. {@link io.ssmd.feeds.Venues} is the one place that knows every venue package; the
 * replay framework shared by every venue is {@code io.ssmd.feeds.replay}.
 */
package io.ssmd.feeds;
