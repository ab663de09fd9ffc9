package io.ssmd.core.nats;

/**
 * Hears when a {@link Publisher}'s window of messages awaiting their outcome becomes full, so that the publisher
 * takes nothing more and its upstream (the venue socket) is no longer read, and when it has room again. Both are
 * called on the stream's thread, once per change, in order.
 */
public interface PublishWindow {

    /** Nobody listens. */
    PublishWindow NONE = new PublishWindow() {
        @Override
        public void full() {}

        @Override
        public void drained() {}
    };

    /**
     * The window is full, or the node's {@link PublishBudget} has no permit for the publisher: it takes no more messages
     * until one has its outcome or a permit comes back. Both are the same backpressure to the shard (the socket is not
     * read because NATS has not acked what the node sent), so they are one signal.
     */
    void full();

    /** The publisher takes messages again (its window has room and, beyond its floor, it holds a permit). */
    void drained();
}
