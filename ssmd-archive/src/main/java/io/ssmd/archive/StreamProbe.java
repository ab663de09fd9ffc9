package io.ssmd.archive;

import java.util.Optional;

/** Asks the bus where a stream stands: to type a jump in sequence, and to measure the archiver's lag. */
@FunctionalInterface
interface StreamProbe {

    /**
     * First and last sequence the stream holds, and when the stream was created (epoch µs, 0 when unknown): a
     * different creation time is a different stream, whatever its sequences.
     */
    record State(long firstSeq, long lastSeq, long created) {
        State(long firstSeq, long lastSeq) {
            this(firstSeq, lastSeq, 0);
        }
    }

    /** The stream's state, or empty when the bus cannot be asked right now. */
    Optional<State> state();
}
