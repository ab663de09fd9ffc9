package io.ssmd.core.shard;

import java.util.List;

/**
 * What one frame means for its shard.
 *
 * @param kind       how the shard treats the frame (published or only counted)
 * @param reason     why an {@link Kind#UNPARSED} frame was not understood (for the log and the header); else empty
 * @param type       the message type counted in {@code ssmd_connector_messages_total{type}}: for market data the
 *                   subject type ({@code orderbook}, {@code trade}, {@code ticker}), so a metric and its subject
 *                   agree; otherwise the venue's channel or event name ({@code heartbeat}, {@code status}...)
 * @param messages   what to publish: for a frame holding several instruments' events, one per event, each a slice
 *                   of the frame's bytes; for a system frame, the whole frame on {@link ShardContext#system()}
 * @param replies    frames to send back to the venue at once, in this order (unsubscribing, then resubscribing a book
 *                   after a checksum mismatch)
 * @param resyncs    books this frame found broken: each becomes a {@code resync} control event
 * @param rejections instruments the venue refused to subscribe (the others go on); reported in health and logs
 */
public record Decoded(
        Kind kind,
        String type,
        String reason,
        List<Routed> messages,
        List<String> replies,
        List<Resync> resyncs,
        List<Rejection> rejections) {

    /** How the shard treats a frame. */
    public enum Kind {
        /** Market data: published. */
        DATA,
        /** About no single instrument (status, ack, error): published on the system subject. */
        SYSTEM,
        /** Venue heartbeat: life for the watchdog, counted, not published. */
        HEARTBEAT,
        /** Answer to our keepalive: life for the watchdog, counted, not published. */
        PONG,
        /** Not understood: published raw on the unparsed subject and counted as a parse error. */
        UNPARSED
    }

    /**
     * One message to publish.
     *
     * @param element the index of the event within its frame, from 0: part of the message id
     */
    public record Routed(String subject, byte[] payload, int element) {}

    /** A book found broken (checksum mismatch, sequence gap) and being resynchronized. */
    public record Resync(String instrument, String reason) {}

    /** A subscription the venue refused. */
    public record Rejection(String instrument, String reason) {}

    public Decoded {
        messages = List.copyOf(messages);
        replies = List.copyOf(replies);
        resyncs = List.copyOf(resyncs);
        rejections = List.copyOf(rejections);
    }

    public static Decoded data(String type, List<Routed> messages) {
        return new Decoded(Kind.DATA, type, "", messages, List.of(), List.of(), List.of());
    }

    /** A system frame, published whole on the shard's system subject. */
    public static Decoded system(String type, ShardContext shard, byte[] frame) {
        return new Decoded(
                Kind.SYSTEM, type, "", List.of(new Routed(shard.system(), frame, 0)), List.of(), List.of(), List.of());
    }

    public static Decoded heartbeat() {
        return new Decoded(Kind.HEARTBEAT, "heartbeat", "", List.of(), List.of(), List.of(), List.of());
    }

    public static Decoded pong() {
        return new Decoded(Kind.PONG, "pong", "", List.of(), List.of(), List.of(), List.of());
    }

    /** A frame the decoder cannot use; the shard publishes it raw on the unparsed subject. */
    public static Decoded unparsed(String reason) {
        return new Decoded(Kind.UNPARSED, "unparsed", reason, List.of(), List.of(), List.of(), List.of());
    }

    public Decoded withReplies(List<String> moreReplies) {
        return new Decoded(kind, type, reason, messages, concat(replies, moreReplies), resyncs, rejections);
    }

    public Decoded withResyncs(List<Resync> moreResyncs) {
        return new Decoded(kind, type, reason, messages, replies, concat(resyncs, moreResyncs), rejections);
    }

    public Decoded withRejections(List<Rejection> moreRejections) {
        return new Decoded(kind, type, reason, messages, replies, resyncs, concat(rejections, moreRejections));
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        if (b.isEmpty()) {
            return a;
        }
        List<T> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
