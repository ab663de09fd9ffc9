package io.ssmd.core.nats;

/**
 * One message for JetStream: a venue frame (or a slice of one) routed to its subject (DESIGN §5).
 *
 * <p>The payload array is published as it is, byte for byte, and is not copied: the caller must not change it
 * afterwards.
 *
 * @param subject          where it goes ({@code {env}.{feed}.json.{type}.{token}} and friends)
 * @param payload          the venue's bytes, verbatim
 * @param epoch            the shard connection's start time, epoch µs: unique across restarts and shard moves
 * @param frame            the frame's number within the connection
 * @param element          the index within a frame that was split into several messages, else 0
 * @param receivedAtMicros when the frame arrived, epoch µs
 * @param frameSize        the venue frame's full size when the payload is only its head (too large to publish,
 *                         DESIGN §4; sent as {@link PublishHeaders#FRAME_SIZE}), else 0
 * @param headers          headers set after the publisher's own, a name here replacing its default: how a replay
 *                         (DESIGN §16) sends its own {@code Nats-Msg-Id} and the original's; empty for a connector
 */
public record OutboundMessage(
        String subject,
        byte[] payload,
        String feed,
        String shard,
        long epoch,
        long frame,
        int element,
        long receivedAtMicros,
        long frameSize,
        java.util.Map<String, String> headers) {

    public OutboundMessage {
        headers = java.util.Map.copyOf(headers);
    }

    /** A connector's message: the publisher's headers only. */
    public OutboundMessage(
            String subject,
            byte[] payload,
            String feed,
            String shard,
            long epoch,
            long frame,
            int element,
            long receivedAtMicros,
            long frameSize) {
        this(subject, payload, feed, shard, epoch, frame, element, receivedAtMicros, frameSize, java.util.Map.of());
    }

    /** A message that carries its frame, or its slice of one, whole. */
    public OutboundMessage(
            String subject,
            byte[] payload,
            String feed,
            String shard,
            long epoch,
            long frame,
            int element,
            long receivedAtMicros) {
        this(subject, payload, feed, shard, epoch, frame, element, receivedAtMicros, 0);
    }

    /** Whether the payload is only the head of a frame too large to publish whole. */
    public boolean truncated() {
        return frameSize > payload.length;
    }

    /**
     * {@code Nats-Msg-Id}: {@code {shard}:{epoch}:{frame}:{element}} (or the one in {@link #headers()}), the same on
     * every attempt so retries dedupe.
     */
    public String msgId() {
        String given = headers.get(PublishHeaders.MSG_ID);
        return given != null ? given : shard + ':' + epoch + ':' + frame + ':' + element;
    }
}
