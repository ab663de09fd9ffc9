package io.ssmd.archive;

import java.util.Optional;

/** Asks the bus where a stream stands: to type a jump in sequence, and to measure the archiver's lag. */
@FunctionalInterface
interface StreamProbe {

    /**
     * First and last sequence the stream holds, and when the stream was created (epoch µs, 0 when unknown): a
     * different creation time is a different stream, whatever its sequences. {@code bytes} is what the stream holds
     * and {@code maxBytes} its limit ({@code -1}: none), for {@code ssmd_archiver_stream_bytes} and
     * {@code ssmd_archiver_stream_max_bytes}.
     */
    record State(long firstSeq, long lastSeq, long created, long bytes, long maxBytes) {
        State(long firstSeq, long lastSeq) {
            this(firstSeq, lastSeq, 0);
        }

        State(long firstSeq, long lastSeq, long created) {
            this(firstSeq, lastSeq, created, 0, -1);
        }
    }

    /** The stream's state, or empty when the bus cannot be asked right now. */
    Optional<State> state();
}
