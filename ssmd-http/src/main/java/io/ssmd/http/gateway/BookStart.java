package io.ssmd.http.gateway;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a gateway starts reading a feed's stream (DESIGN §7): from the latest ssmd book snapshot of each instrument,
 * read with one ordered consumer that delivers the last message per subject of {@code {env}.{feed}.ssmd.book.>} (one
 * filter: nats-server 2.9 has no multi-filter consumers), and then only the messages after the oldest of them.
 *
 * <p>When an instrument has orderbook messages in the stream but no snapshot (a venue whose books ssmd does not check,
 * a stream older than the snapshots), its book can only be rebuilt from the stream's start, so the whole stream is
 * read as before; the snapshots still stand for the instruments that have one, and their older book messages are
 * skipped.
 *
 * @param snapshots the latest snapshot per instrument (may be empty)
 * @param startSeq  the first sequence to read
 * @param missing   orderbook subject tokens with no snapshot: why the start is the stream's first message
 */
record BookStart(List<SsmdBookSnapshot> snapshots, long startSeq, Set<String> missing) {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** Reads the feed's latest snapshots and decides where to start. */
    static BookStart read(Connection nats, String stream, String env, String feed, StreamState state)
            throws IOException, JetStreamApiException, InterruptedException {
        long first = Math.max(1, state.getFirstSequence());
        if (state.getMsgCount() == 0) {
            return new BookStart(List.of(), first, Set.of());
        }
        Set<String> bookTokens = new HashSet<>();
        int snapshotSubjects = 0;
        List<Subject> subjects = nats.jetStreamManagement()
                .getStreamInfo(stream, StreamInfoOptions.filterSubjects(env + '.' + feed + ".>"))
                .getStreamState()
                .getSubjects();
        for (Subject subject : subjects == null ? List.<Subject>of() : subjects) {
            ParsedSubject parsed = ParsedSubject.parse(subject.getName());
            if (parsed.kind() == ParsedSubject.Kind.BOOK) {
                snapshotSubjects++;
            } else if (parsed.kind() == ParsedSubject.Kind.MARKET_DATA
                    && parsed.type().equals("orderbook")) {
                bookTokens.add(parsed.token());
            }
        }
        List<SsmdBookSnapshot> snapshots =
                snapshotSubjects == 0 ? List.of() : latest(nats, stream, env, feed, snapshotSubjects);
        Map<String, SsmdBookSnapshot> byToken = new HashMap<>();
        for (SsmdBookSnapshot snapshot : snapshots) {
            byToken.put(Subjects.token(snapshot.instrument()), snapshot);
        }
        Set<String> missing = new HashSet<>(bookTokens);
        missing.removeAll(byToken.keySet());
        long oldest = snapshots.stream().mapToLong(SsmdBookSnapshot::seq).min().orElse(first - 1);
        long start = missing.isEmpty() && !snapshots.isEmpty() ? Math.max(first, oldest + 1) : first;
        return new BookStart(List.copyOf(byToken.values()), start, Set.copyOf(missing));
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
