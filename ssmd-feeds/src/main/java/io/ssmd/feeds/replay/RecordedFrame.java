package io.ssmd.feeds.replay;

/**
 * A frame from a recording: a line of a venue sample file (the frame itself) or of an ssmd archive file (the
 * frame in {@code data}, or {@code raw} when it was not JSON).
 *
 * @param receivedMicros when it was received, epoch µs, or -1 when the recording does not say
 * @param text           the venue frame, verbatim
 */
public record RecordedFrame(long receivedMicros, String text) {}
