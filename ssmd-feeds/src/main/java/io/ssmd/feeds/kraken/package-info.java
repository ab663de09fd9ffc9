/**
 * Kraken spot, WebSocket v2 (exchanges/PROTOCOLS.md §2). The client side: {@link io.ssmd.feeds.kraken.KrakenVenue}
 * (what the registry knows of the venue), {@link io.ssmd.feeds.kraken.KrakenSettings},
 * {@link io.ssmd.feeds.kraken.KrakenProtocol} (requests and frame reading), {@link io.ssmd.feeds.kraken.KrakenDecoder}
 * (frame → subjects, checksummed books via {@link io.ssmd.feeds.kraken.KrakenLocalBook}) and
 * {@link io.ssmd.feeds.kraken.KrakenFeed} (the {@code VenueConnector}). The server side, in {@code replay}:
 * {@link io.ssmd.feeds.kraken.replay.KrakenReplayServer}.
 */
package io.ssmd.feeds.kraken;
