package io.ssmd.core.shard;

import io.ssmd.core.CborSerializable;
import io.ssmd.core.Secrets;
import java.util.List;
import java.util.Map;

/**
 * A shard's health as it reports it to the cluster-wide registry behind {@code /v1/feeds} (DESIGN §7).
 *
 * @param state             {@code connecting}, {@code streaming}, {@code backpressured} (connected, but the publish
 *                          window is full: NATS slow or unreachable, the venue socket not read), {@code backoff} or
 *                          {@code stopped}
 * @param connectedSince    epoch ms of the current connection, or 0 when not connected
 * @param lastMessageAgeMs  since the last inbound frame, or -1 when none has arrived on this connection
 * @param messages          inbound frames by type, since the shard started
 * @param rejected          instruments the venue refused, with its reason
 * @param lastError         why the last connection ended, or empty
 * @param reportedAt        epoch ms of this report
 */
public record ShardHealth(
        String feed,
        String shard,
        String node,
        String state,
        long connectedSince,
        long lastMessageAgeMs,
        Map<String, Long> messages,
        long reconnects,
        List<String> instruments,
        Map<String, String> rejected,
        String lastError,
        long reportedAt)
        implements CborSerializable {

    public static final String CONNECTING = "connecting";
    public static final String STREAMING = "streaming";
    public static final String BACKPRESSURED = "backpressured";
    public static final String BACKOFF = "backoff";
    public static final String STOPPED = "stopped";

    public ShardHealth {
        messages = Map.copyOf(messages);
        instruments = List.copyOf(instruments);
        rejected = Map.copyOf(rejected);
        // Shown by /v1/feeds and the dashboard; a client library's error may quote a URL with credentials.
        lastError = Secrets.redactUrl(lastError);
    }
}
