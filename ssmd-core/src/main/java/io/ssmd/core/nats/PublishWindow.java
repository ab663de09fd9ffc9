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

    /** The window is full: the publisher takes no more messages until one has its outcome. */
    void full();

    /** The full window has room again: the publisher takes messages again. */
    void drained();
}
