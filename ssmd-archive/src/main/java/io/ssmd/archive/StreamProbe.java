package io.ssmd.archive;

import java.util.Optional;

/** Asks the bus where a stream stands: to type a jump in sequence, and to measure the archiver's lag. */
@FunctionalInterface
interface StreamProbe {

    /** First and last sequence the stream holds. */
    record State(long firstSeq, long lastSeq) {}

    /** The stream's state, or empty when the bus cannot be asked right now. */
    Optional<State> state();
}
