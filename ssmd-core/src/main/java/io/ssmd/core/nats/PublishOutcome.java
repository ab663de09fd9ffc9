package io.ssmd.core.nats;

/**
 * What became of one {@link OutboundMessage}; the publisher emits exactly one per message, in input order.
 *
 * @param streamSequence the stream sequence JetStream stored it at (for a duplicate: the original's), or 0 on failure
 * @param attempts       publish attempts made, the first included
 * @param error          why the last attempt failed, for {@link Status#FAILED}; else empty
 */
public record PublishOutcome(OutboundMessage message, Status status, long streamSequence, int attempts, String error) {

    public enum Status {
        /** JetStream stored it now. */
        STORED,
        /** JetStream already had it (an earlier attempt, or an earlier publish of the same msg id, got through). */
        DUPLICATE,
        /** No attempt was acked: counted, logged and announced as {@code publish_failed}. */
        FAILED
    }

    /** Whether JetStream has the message (stored now or before). */
    public boolean acked() {
        return status != Status.FAILED;
    }
}
