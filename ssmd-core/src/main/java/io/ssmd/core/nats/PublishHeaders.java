package io.ssmd.core.nats;

/** The headers ssmd puts on every JetStream message (DESIGN §5). */
public final class PublishHeaders {

    /** JetStream's deduplication key: {@code {shard}:{epoch}:{frame}:{element}} for market data. */
    public static final String MSG_ID = "Nats-Msg-Id";

    /** When the frame arrived from the venue, epoch µs; the archive files messages by it. */
    public static final String RECEIVED_AT = "Ssmd-Received-At";

    /** The shard that received the frame ({@code kalshi-3}). */
    public static final String SHARD = "Ssmd-Shard";

    private PublishHeaders() {}
}
