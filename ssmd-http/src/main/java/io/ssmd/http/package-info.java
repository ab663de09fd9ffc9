/** The HTTP side of a node: health, metrics, and (later) the gateway's REST and WebSocket routes. */
package io.ssmd.http;
