package io.ssmd.feeds.replay;

import java.util.ArrayList;
import java.util.List;

/** Collects what a venue session wants sent in answer to one event. Not thread-safe: one per session stage. */
public final class SessionOutput {

    /** @param data market data (counted for data-frame faults) rather than protocol (acks, pongs, status) */
    record Frame(String text, boolean data) {}

    private final List<Frame> frames = new ArrayList<>();
    private String closeReason;

    /** A protocol frame (ack, pong, status, error). */
    public void send(String frame) {
        frames.add(new Frame(frame, false));
    }

    /** A market-data frame (book, trade, ticker...): counted for "drop after N frames" and the frame faults. */
    public void sendData(String frame) {
        frames.add(new Frame(frame, true));
    }

    /** Closes the connection cleanly after what was sent so far, as a venue does with a silent client. */
    public void close(String reason) {
        closeReason = reason;
    }

    List<Frame> frames() {
        return frames;
    }

    String closeReason() {
        return closeReason;
    }

    void clear() {
        frames.clear();
        closeReason = null;
    }
}
