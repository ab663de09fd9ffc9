package io.ssmd.http.gateway;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import io.nats.client.api.Subject;
import io.ssmd.core.model.SsmdBookSnapshot;
import io.ssmd.core.subject.ParsedSubject;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a gateway starts reading a feed's stream (DESIGN §7): from the latest ssmd book snapshot of each instrument,
 * read with one ordered consumer that delivers the last message per subject of {@code {env}.{feed}.ssmd.book.>} (one
 * filter: nats-server 2.9 has no multi-filter consumers), and then only the messages after the oldest snapshot that
 * still has book messages after it.
 *
 * <p>What it asks the server, and why it stays small on a big stream: the stream's book subjects only (not every
 * subject: a Kalshi stream has a ticker, trade and lifecycle subject per market too), the book snapshot subjects, one
 * message per snapshot subject, and the last book message of a snapshot's instrument only while the oldest snapshots
 * turn out to have nothing after them. Book subjects are those of the feed's book types
 * ({@link io.ssmd.core.model.Normalizer#bookTypes()}): {@code orderbook} for most venues, but Polymarket's books come
 * on {@code book} and {@code price_change} subjects. A book type left out would make every snapshot look quiet (no
 * book message after it), and the start would be the stream's end: every later change lost.
 *
 * <p>A snapshot is matched to its book messages by {@link SsmdBookSnapshot#token()} (on Polymarket the condition id,
 * whose subject carries the books of all its assets). Two bounds keep an old snapshot from pulling the start back:
 * one older than the stream's first message is ignored (the messages after it are gone: the book is rebuilt as if it
 * had none); one whose instrument has no book message after it (an instrument no longer subscribed, a quiet book) is
 * restored but does not move the start, since nothing after it is needed.
 *
 * <p>When an instrument has orderbook messages in the stream but no usable snapshot (a venue whose books ssmd does not
 * check, a stream older than the snapshots), its book can only be rebuilt from the stream's start, so the whole stream
 * is read as before; the snapshots still stand for the instruments that have one, and their older book messages are
 * skipped.
 *
 * @param snapshots the latest usable snapshot per instrument (may be empty)
 * @param startSeq  the first sequence to read
 * @param missing   orderbook subject tokens with no usable snapshot: why the start is the stream's first message
 */
record BookStart(List<SsmdBookSnapshot> snapshots, long startSeq, Set<String> missing) {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Reads the feed's latest snapshots and decides where to start.
     *
     * @param bookTypes the subject types of the feed's book messages
     */
    static BookStart read(
            Connection nats, String stream, String env, String feed, Set<String> bookTypes, StreamState state)
            throws IOException, JetStreamApiException, InterruptedException {
        long first = Math.max(1, state.getFirstSequence());
        if (state.getMsgCount() == 0) {
            return new BookStart(List.of(), first, Set.of());
        }
        JetStreamManagement jsm = nats.jetStreamManagement();
        // token → the subjects of its book messages, uncategorized and (Kalshi) categorized; on Polymarket a condition
        // id's book and price_change subjects, which carry the books of both its assets.
        Map<String, List<String>> bookSubjects = new HashMap<>();
        for (String type : bookTypes) {
            for (String filter : List.of(
                    Subjects.marketData(env, feed, type, "*"), Subjects.marketData(env, feed, "*", type, "*"))) {
                for (Subject subject : subjects(jsm, stream, filter)) {
                    ParsedSubject parsed = ParsedSubject.parse(subject.getName());
                    if (parsed.kind() == ParsedSubject.Kind.MARKET_DATA
                            && parsed.type().equals(type)) {
                        bookSubjects
                                .computeIfAbsent(parsed.token(), t -> new ArrayList<>())
                                .add(subject.getName());
                    }
                }
            }
        }
        int snapshotSubjects =
                subjects(jsm, stream, Subjects.book(env, feed, ">")).size();
        List<SsmdBookSnapshot> snapshots = new ArrayList<>();
        if (snapshotSubjects > 0) {
            for (SsmdBookSnapshot snapshot : latest(nats, stream, env, feed, snapshotSubjects)) {
                // Older than the stream's first message: what followed it is gone, so it is worth no more than none.
                if (snapshot.seq() >= first - 1) {
                    snapshots.add(snapshot);
                }
            }
        }
        Set<String> missing = new HashSet<>(bookSubjects.keySet());
        snapshots.forEach(snapshot -> missing.remove(snapshot.token()));
        if (!missing.isEmpty() || snapshots.isEmpty()) {
            return new BookStart(List.copyOf(snapshots), first, Set.copyOf(missing));
        }
        // The oldest snapshot with book messages after it decides; older ones whose books have not changed since
        // (an instrument no longer subscribed) do not.
        List<SsmdBookSnapshot> byAge = new ArrayList<>(snapshots);
        byAge.sort(Comparator.comparingLong(SsmdBookSnapshot::seq));
        long start = state.getLastSequence() + 1;
        for (SsmdBookSnapshot snapshot : byAge) {
            if (hasAfter(jsm, stream, bookSubjects.getOrDefault(snapshot.token(), List.of()), snapshot.seq())) {
                start = snapshot.seq() + 1;
                break;
            }
        }
        return new BookStart(List.copyOf(snapshots), Math.max(first, start), Set.of());
    }

    private static List<Subject> subjects(JetStreamManagement jsm, String stream, String filter)
            throws IOException, JetStreamApiException {
        List<Subject> subjects = jsm.getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter))
                .getStreamState()
                .getSubjects();
        return subjects == null ? List.of() : subjects;
    }

    /** Whether any of the subjects has a message after {@code seq}. */
    private static boolean hasAfter(JetStreamManagement jsm, String stream, List<String> subjects, long seq)
            throws IOException, JetStreamApiException {
        for (String subject : subjects) {
            if (lastSeq(jsm, stream, subject) > seq) {
                return true;
            }
        }
        return false;
    }

    /** The sequence of the last message on a subject, 0 when there is none. */
    private static long lastSeq(JetStreamManagement jsm, String stream, String subject)
            throws IOException, JetStreamApiException {
        try {
            return jsm.getLastMessage(stream, subject).getSeq();
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) {
                return 0;
            }
            throw e;
        }
    }

    private static List<SsmdBookSnapshot> latest(Connection nats, String stream, String env, String feed, int expected)
            throws IOException, JetStreamApiException, InterruptedException {
        OrderedConsumerContext consumer = nats.getStreamContext(stream)
                .createOrderedConsumer(new OrderedConsumerConfiguration()
                        .filterSubject(env + '.' + feed + ".ssmd.book.>")
                        .deliverPolicy(DeliverPolicy.LastPerSubject));
        List<SsmdBookSnapshot> read = new ArrayList<>(expected);
        while (true) {
            Message message;
            try {
                message = consumer.next(READ_TIMEOUT);
            } catch (io.nats.client.JetStreamStatusCheckedException e) {
                throw new IOException("reading the ssmd book snapshots of " + stream + ": " + e.getMessage(), e);
            }
            if (message == null) {
                break;
            }
            try {
                read.add(SsmdBookSnapshot.fromJson(message.getData()));
            } catch (IllegalArgumentException e) {
                // A bad snapshot is worth no more than none: its instrument is rebuilt from the stream.
            }
            if (message.metaData().pendingCount() == 0) {
                break;
            }
        }
        return read;
    }
}
