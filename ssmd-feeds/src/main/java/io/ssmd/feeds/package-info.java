/**
 * Venue connectors, one package per venue (kalshi, kraken, krakenfutures, polymarket), each with the
 * client side of its protocol, the replay-server side and a normalizer of the messages it publishes. {@link
 * io.ssmd.feeds.Connectors} and {@link io.ssmd.feeds.Normalizers} are the two places that know every venue package.
 */
package io.ssmd.feeds;
