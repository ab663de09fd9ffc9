package io.ssmd.data.replay;

import io.ssmd.core.subject.ParsedSubject;
import io.ssmd.core.subject.Subjects;
import java.util.Optional;
import java.util.Set;

/**
 * Which archived messages a replay sends (DESIGN §16): a receive-time window, instruments and types.
 *
 * <p>Instruments are matched by the subject's token, so {@code BTC/USD} and {@code BTC-USD} name the same one; the
 * filter applies to messages about an instrument (market data and ssmd book snapshots), while control events and
 * system frames, which are about a shard, pass unless {@code types} leaves them out. Types are the subject's type
 * token ({@code trade}, {@code ticker}, {@code orderbook}, {@code system}, {@code unparsed}), {@code control} for
 * control events and {@code ssmd.book} for ssmd's book snapshots; {@code book} stands for both book types.
 *
 * @param fromMicros first receive time sent, epoch µs, inclusive; empty: from the range's start
 * @param toMicros   receive time the replay stops before, epoch µs, exclusive; empty: to the range's end
 * @param tokens     instrument tokens; empty: every instrument
 * @param types      types; empty: every type
 * @param warmUp     whether messages before {@code fromMicros} are read to build state ({@link Verdict#WARM_UP}), as
 *                   the gateway target does for its books, rather than skipped
 */
public record ReplayFilter(
        Optional<Long> fromMicros, Optional<Long> toMicros, Set<String> tokens, Set<String> types, boolean warmUp) {

    /** What a replay does with one message. */
    public enum Verdict {
        /** Sent to the target, paced. */
        SEND,
        /** Before the window: read to build state only, not paced, never shown to a client. */
        WARM_UP,
        /** Left out. */
        SKIP
    }

    /** The type that stands for a feed's venue book messages and ssmd's book snapshots. */
    public static final String BOOK = "book";

    /** Every message. */
    public static final ReplayFilter ALL =
            new ReplayFilter(Optional.empty(), Optional.empty(), Set.of(), Set.of(), false);

    public ReplayFilter {
        tokens = Set.copyOf(tokens);
        types = Set.copyOf(types);
    }

    /** The subject tokens of instruments named as the venue spells them ({@code BTC/USD}) or as tokens. */
    public static Set<String> tokensOf(java.util.Collection<String> symbols) {
        return symbols.stream().map(Subjects::token).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** What to do with a message on {@code subject} received at {@code ts} (epoch µs). */
    public Verdict verdict(ParsedSubject subject, long ts) {
        if (toMicros.isPresent() && ts >= toMicros.get()) {
            return Verdict.SKIP;
        }
        if (!types.isEmpty() && !typeMatches(subject)) {
            return Verdict.SKIP;
        }
        if (!tokens.isEmpty()
                && (subject.kind() == ParsedSubject.Kind.MARKET_DATA || subject.kind() == ParsedSubject.Kind.BOOK)
                && !tokens.contains(subject.token())) {
            return Verdict.SKIP;
        }
        if (fromMicros.isPresent() && ts < fromMicros.get()) {
            return warmUp ? Verdict.WARM_UP : Verdict.SKIP;
        }
        return Verdict.SEND;
    }

    /** Whether a file whose messages were received from {@code start} to {@code end} (µs) can hold a message sent. */
    public boolean overlaps(long start, long end) {
        return (warmUp || fromMicros.isEmpty() || end >= fromMicros.get())
                && (toMicros.isEmpty() || start < toMicros.get());
    }

    private boolean typeMatches(ParsedSubject subject) {
        String type = subject.recordType();
        if (types.contains(type)) {
            return true;
        }
        return types.contains(BOOK)
                && (subject.kind() == ParsedSubject.Kind.BOOK || type.equals("orderbook") || type.equals("book"));
    }
}
