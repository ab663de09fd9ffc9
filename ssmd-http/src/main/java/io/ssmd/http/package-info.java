/**
 * The HTTP side of a node: health, metrics, {@code /v1/feeds}, {@code /v1/gaps} (over {@link io.ssmd.http.RecentGaps},
 * which the node implements from the archive) and the dashboard page at {@code /}; the gateway's routes are in
 * {@code io.ssmd.http.gateway}.
 */
package io.ssmd.http;
