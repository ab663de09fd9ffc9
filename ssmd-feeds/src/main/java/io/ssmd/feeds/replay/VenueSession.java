package io.ssmd.feeds.replay;

import java.util.Set;

/**
 * One client connection of a venue, server side. Every method runs in one stream stage, one call at a time, and
 * answers by writing to the {@link SessionOutput}: frames to send, or a close.
 */
public interface VenueSession {

    /** The connection opened: Kraken sends {@code status}, Kraken Futures {@code info}. */
    void onOpen(SessionOutput out);

    /** A text frame from the client: subscribe, ping, {@code PING}... */
    void onClientText(String text, SessionOutput out);

    /**
     * Synthetic mode: produce the next frame(s) of data for what the client is subscribed to (nothing when it is
     * subscribed to nothing). Called at the configured rate, or as fast as the client reads.
     */
    void onPump(SessionOutput out);

    /** Recorded mode: a recorded frame; send it when the client is subscribed to one of its instruments. */
    void onRecorded(RecordedFrame frame, SessionOutput out);

    /**
     * Called about every {@link SessionContext#tickInterval()}: heartbeats when idle (Kraken), closing a client
     * that has been silent too long (Kraken Futures, Polymarket).
     *
     * @param nowMillis the current time, so sessions need no clock of their own
     */
    void onTick(long nowMillis, SessionOutput out);

    /**
     * The instruments this client is subscribed to now, so that connection faults can be aimed at the sessions
     * of some instruments only ({@link Faults#only}). Empty when the venue does not say.
     */
    default Set<String> instruments() {
        return Set.of();
    }
}
