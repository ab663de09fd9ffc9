/** The HTTP side of a node: health, metrics, /v1/feeds; the gateway's routes are in {@code io.ssmd.http.gateway}. */
package io.ssmd.http;
