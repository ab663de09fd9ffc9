package io.ssmd.core.shard;

/**
 * Turns one venue frame into what the shard publishes and does. One per connection, called from one stream stage
 * at a time, so it may keep state (books, sequence numbers) without locks.
 *
 * <p>It never throws for bad input: a frame it cannot make sense of is {@link Decoded#unparsed}, and the shard
 * publishes it raw on the unparsed subject, so the archive still has it.
 */
public interface FrameDecoder {

    /**
     * Decodes a text frame.
     *
     * @param frame the frame's UTF-8 bytes exactly as received; published payloads are slices of it, never
     *              re-serialized JSON (DESIGN §5)
     */
    Decoded decode(byte[] frame);

    /**
     * Instruments added to and removed from this open connection. Every decoder hears of the change (to keep and
     * check the new instruments' books); it answers with the frames that make the change, for venues whose commands
     * name the connection's own subscriptions (Kalshi's {@code update_subscription} needs the sids this decoder
     * learned), or empty when it has none of its own: the shard then uses {@link VenueConnector#addLive} or, when
     * the venue cannot change a connection, reconnects. Called from the shard's actor while {@link #decode} runs on
     * the stream: an implementation synchronizes.
     */
    default java.util.Optional<java.util.List<String>> change(
            java.util.List<String> added, java.util.List<String> removed) {
        return java.util.Optional.empty();
    }
}
