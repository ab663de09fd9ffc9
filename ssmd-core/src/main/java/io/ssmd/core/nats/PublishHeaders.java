package io.ssmd.core.nats;

import io.nats.client.impl.Headers;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The headers ssmd puts on every JetStream message (DESIGN §5), and how consumers read them back: the archive and
 * the gateway use the readers here, so a header's name and format live in one place.
 *
 * <p>The readers take the {@code Headers} of any message, null included (a message published by something other
 * than ssmd may have none), and never throw: a missing or malformed header is empty.
 */
public final class PublishHeaders {

    /** JetStream's deduplication key: {@code {shard}:{epoch}:{frame}:{element}} for market data. */
    public static final String MSG_ID = "Nats-Msg-Id";

    /** When the frame arrived from the venue, epoch µs; the archive files messages by it. */
    public static final String RECEIVED_AT = "Ssmd-Received-At";

    /** The shard that received the frame ({@code kalshi-3}). */
    public static final String SHARD = "Ssmd-Shard";

    /**
     * On a message whose payload is only the head of a venue frame too large to publish (DESIGN §4): the frame's full
     * size in bytes. Absent on every message that carries its frame (or slice) whole.
     */
    public static final String FRAME_SIZE = "Ssmd-Frame-Size";

    private PublishHeaders() {}

    /** The {@value #MSG_ID} of a message. */
    public static Optional<String> msgId(Headers headers) {
        return first(headers, MSG_ID);
    }

    /** The {@value #SHARD} of a message. */
    public static Optional<String> shard(Headers headers) {
        return first(headers, SHARD);
    }

    /** The {@value #RECEIVED_AT} of a message, epoch µs; empty when missing or not a number. */
    public static OptionalLong receivedAt(Headers headers) {
        Optional<String> value = first(headers, RECEIVED_AT);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@value #FRAME_SIZE} of a message: the full size of a frame it carries truncated; empty when whole. */
    public static OptionalLong frameSize(Headers headers) {
        Optional<String> value = first(headers, FRAME_SIZE);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The most bytes ssmd's headers can take on a message of {@code shard}, {@value #FRAME_SIZE} included: NATS counts
     * headers toward {@code max_payload}, so a frame fits only when it leaves this much room.
     */
    public static int reserve(String shard) {
        String longest = Long.toString(Long.MIN_VALUE);
        return new Headers()
                .put(MSG_ID, shard + ':' + longest + ':' + longest + ':' + Integer.MIN_VALUE)
                .put(RECEIVED_AT, longest)
                .put(SHARD, shard)
                .put(FRAME_SIZE, longest)
                .serializedLength();
    }

    private static Optional<String> first(Headers headers, String name) {
        return headers == null ? Optional.empty() : Optional.ofNullable(headers.getFirst(name));
    }
}
