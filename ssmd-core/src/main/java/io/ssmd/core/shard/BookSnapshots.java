package io.ssmd.core.shard;

import io.ssmd.core.model.BookSnapshot;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.nats.OutboundMessage;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.subject.Subjects;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One connection's ssmd book snapshots (DESIGN §7): every {@code book-snapshot-interval}, and once a resynchronized
 * book checks out again, the decoder's checked books are copied after a frame and published once that frame's last
 * message is known to be in the stream, with its stream sequence.
 *
 * <p>Why the wait, and why the sequence is exact: the copy reflects every message up to the frame's last one (the
 * marker) and none after. The publisher hands outcomes back in input order, so when the marker's outcome comes, every
 * earlier message has its outcome too. The marker's sequence is the snapshot's only when it was stored by its first
 * attempt and above every sequence stored before: then no earlier message sits above it (none was retried past it),
 * and no later one below it (they were all sent after it, on the same connection). Otherwise (a retry, a duplicate, a
 * failure) the copy is dropped and a new one is taken after the next frame.
 *
 * <p>Two threads: {@link #afterFrame} runs in the decoding stage (where the decoder may be read), {@link #outcome} in
 * the stage after the publisher. Per message, {@link #outcome} reads one volatile field; per frame, when no snapshot is
 * due, {@link #afterFrame} reads one volatile field and a set's size.
 */
public final class BookSnapshots {

    /** A copy waiting for its marker's outcome. */
    public record Pending(OutboundMessage marker, List<SsmdBookSnapshot> books) {}

    private final String env;
    private final String feed;
    private final Consumer<SsmdBookSnapshot> publish;
    private final boolean on;

    /** Set by the interval's timer (and after a copy had to be dropped), cleared when a copy is taken. */
    private volatile boolean due;
    /** Written by the decoding stage, taken by the outcome stage. */
    private volatile Pending pending;

    /* Decoding stage only: instruments resynchronized and not yet checked again. */
    private final Set<String> resynced = new HashSet<>();

    private volatile org.apache.pekko.actor.Cancellable timer;

    /* Outcome stage only: the highest stream sequence stored so far on this connection. */
    private long highestSeq;

    /**
     * @param publish sends one snapshot to {@code {env}.{feed}.ssmd.book.{token}} (see {@link #subject})
     */
    public BookSnapshots(String env, String feed, Consumer<SsmdBookSnapshot> publish) {
        this(env, feed, publish, true);
    }

    private BookSnapshots(String env, String feed, Consumer<SsmdBookSnapshot> publish, boolean on) {
        this.env = env;
        this.feed = feed;
        this.publish = publish;
        this.on = on;
    }

    /** None at all ({@code book-snapshot-interval = 0s}). */
    static BookSnapshots off() {
        return new BookSnapshots("", "", snapshot -> {}, false);
    }

    /** The interval has passed: copy the checked books after the next frame that publishes something. */
    public void tick() {
        due = true;
    }

    /** Where a snapshot goes. */
    String subject(SsmdBookSnapshot snapshot) {
        return Subjects.book(env, feed, Subjects.token(snapshot.instrument()));
    }

    /**
     * After a frame was decoded: notes its resyncs and, when a snapshot is due and none is waiting, copies the books.
     *
     * @param published what the frame publishes, in order; its last message becomes the copy's marker
     */
    public void afterFrame(
            FrameDecoder decoder, Decoded decoded, List<OutboundMessage> published, long receivedMicros) {
        if (!on) {
            return;
        }
        if (!decoded.resyncs().isEmpty()) {
            decoded.resyncs().forEach(r -> resynced.add(r.instrument()));
        }
        if ((!due && resynced.isEmpty()) || published.isEmpty() || pending != null) {
            return;
        }
        List<SsmdBookSnapshot> books = new ArrayList<>();
        if (due) {
            for (String instrument : decoder.checkedBooks()) {
                decoder.checkedBook(instrument).ifPresent(b -> books.add(of(decoder, b, receivedMicros)));
            }
            resynced.removeIf(instrument -> decoder.checkedBook(instrument).isPresent());
        } else {
            var it = resynced.iterator();
            while (it.hasNext()) {
                Optional<BookSnapshot> book = decoder.checkedBook(it.next());
                if (book.isPresent()) {
                    books.add(of(decoder, book.get(), receivedMicros));
                    it.remove();
                }
            }
        }
        due = false;
        if (!books.isEmpty()) {
            pending = new Pending(published.get(published.size() - 1), books);
        }
    }

    /** Instruments that left the connection: a resync of theirs will not be checked out again. Decoding stage. */
    void forget(java.util.Collection<String> instruments) {
        resynced.removeAll(instruments);
    }

    /** Instruments resynchronized and not yet checked again (tests). */
    int resyncedCount() {
        return resynced.size();
    }

    private static SsmdBookSnapshot of(FrameDecoder decoder, BookSnapshot book, long receivedMicros) {
        return new SsmdBookSnapshot(
                book.feed(),
                book.instrument(),
                decoder.bookToken(book.instrument()),
                0,
                receivedMicros,
                book.bids(),
                book.asks());
    }

    /** The outcome of the next message, in input order. */
    public void outcome(PublishOutcome outcome) {
        long seq = outcome.streamSequence();
        Pending waiting = pending;
        if (waiting != null && waiting.marker() == outcome.message()) {
            pending = null;
            if (outcome.status() == PublishOutcome.Status.STORED && outcome.attempts() == 1 && seq > highestSeq) {
                waiting.books().forEach(book -> publish.accept(book.at(seq)));
            } else {
                // Its sequence does not divide the stream into reflected and later messages: take a new copy.
                due = true;
            }
        }
        if (seq > highestSeq) {
            highestSeq = seq;
        }
    }

    /** Ends the interval's timer, when the connection ends. */
    void stopWith(org.apache.pekko.actor.Cancellable timer) {
        this.timer = timer;
    }

    void stop() {
        org.apache.pekko.actor.Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    /** Whether a copy waits for its marker's outcome (for tests). */
    public boolean waiting() {
        return pending != null;
    }
}
