package io.ssmd.core.shard;

import java.net.URI;
import java.util.Map;

/**
 * A WebSocket to open.
 *
 * @param headers extra headers of the upgrade request (Kalshi's signature); never logged, they may be secret
 */
public record ConnectTarget(URI uri, Map<String, String> headers) {

    public ConnectTarget {
        headers = Map.copyOf(headers);
    }

    public static ConnectTarget of(URI uri) {
        return new ConnectTarget(uri, Map.of());
    }

    @Override
    public String toString() {
        return uri + (headers.isEmpty() ? "" : " (+" + headers.size() + " headers)");
    }
}
