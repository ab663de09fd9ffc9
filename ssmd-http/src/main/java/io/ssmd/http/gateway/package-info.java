/**
 * The client gateway (DESIGN §7, docs/gateway.md): {@link io.ssmd.http.gateway.GatewayPipeline} reads the feed
 * streams, {@link io.ssmd.http.gateway.GatewayCore} normalizes each message once, keeps books, tickers and recent
 * trades and fans events out to each client's bounded {@code ClientOutbox}; {@link io.ssmd.http.gateway.StreamRoute}
 * serves {@code /v1/stream}, {@link io.ssmd.http.gateway.MarketsRoute} {@code /v1/markets}, and
 * {@link io.ssmd.http.gateway.ApiKeys} guards both. {@link io.ssmd.http.gateway.Gateway} puts them together.
 */
package io.ssmd.http.gateway;
