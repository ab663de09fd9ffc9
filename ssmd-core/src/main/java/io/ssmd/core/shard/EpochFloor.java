package io.ssmd.core.shard;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.StreamContext;
import io.nats.client.api.MessageInfo;
import io.ssmd.core.nats.ControlEvent;
import io.ssmd.core.subject.Subjects;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * The epoch a shard's new instance must pass (DESIGN §5, §13): the highest epoch among the last control event of each
 * kind the shard published to its feed's stream, wherever it ran before.
 *
 * <p>An epoch is the connecting host's wall clock. Within one shard instance each connection takes {@code max(now,
 * last + 1)}; a shard that starts on another node (a hand-off, a node's restart, a crash) knows no {@code last} but
 * the stream's. Without it a host whose clock is behind the old one's would start an epoch below the old connection's,
 * and the archive, which takes a shard's events of an older epoch for late ones of a replaced connection, would ignore
 * its {@code connected}: the hand-off's hole would never close.
 *
 * <p>The same read says whether the shard is stopped (DESIGN §17): a shard the daily cycle's teardown paused ends its
 * connection with a {@code disconnected} of reason {@code scheduled_teardown}, and an instance that starts during the
 * stop (Cluster Sharding restarting it after a node loss, a hand-off from a leaving node) must not connect. It is stopped
 * when the newest of its last {@code connected}, {@code handover} and {@code disconnected} is such a
 * {@code disconnected} ({@link #newest}).
 *
 * <p>The read is a few JetStream requests (one per kind of control event: the last of each is enough, since each
 * connection's first event, {@code connected} or {@code handover}, comes after every event of the connections
 * before it). It runs on {@code blocking} and is bounded: NATS unreachable at start must not keep a shard from its
 * venue, so after {@code within} the shard connects with its own clock and the caller warns.
 */
final class EpochFloor {

    /** JetStream's "no message found" (the shard never published that kind of event). */
    private static final int NO_MESSAGE = 10037;

    /** JetStream's "stream not found". */
    private static final int NO_STREAM = 10059;

    /** The events that open ({@code connected}, {@code handover}) or close ({@code disconnected}) a connection. */
    private static final java.util.Set<String> CONNECTION_EVENTS =
            java.util.Set.of(ControlEvent.CONNECTED, ControlEvent.HANDOVER, ControlEvent.DISCONNECTED);

    /**
     * What the stream said.
     *
     * @param lastEpoch the highest epoch found, 0 when the shard has published no control event there
     * @param stopped   the reason ({@code scheduled_teardown}) when the shard's newest connection event is a teardown's
     *                  {@code disconnected}: the shard is stopped until a {@code Resume}; empty otherwise, and whenever
     *                  the read did not complete (a {@code problem}): the caller then cannot tell, and connects
     * @param problem   why the stream could not be read (in part or at all) within the bound; empty when it was
     */
    record Found(long lastEpoch, Optional<String> stopped, Optional<String> problem) {}

    /** A shard's last event of one kind, where the stream holds it. */
    record Last(ControlEvent event, long seq) {}

    private EpochFloor() {}

    /**
     * Reads the floor of shard {@code shard} of {@code feed} in environment {@code env}, on {@code blocking}; completes
     * within {@code within} whatever NATS does (with what was read so far and the problem).
     */
    static CompletionStage<Found> read(
            JetStream jetStream, String env, String feed, String shard, Duration within, Executor blocking) {
        long deadline = System.nanoTime() + within.toNanos();
        Progress progress = new Progress();
        return CompletableFuture.supplyAsync(() -> readAll(jetStream, env, feed, shard, deadline, progress), blocking)
                .completeOnTimeout(null, within.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
                .exceptionally(failure -> new Found(progress.last, Optional.empty(), Optional.of(describe(failure))))
                .thenApply(found -> found != null
                        ? found
                        : new Found(
                                progress.last,
                                Optional.empty(),
                                Optional.of(
                                        "no answer within " + within.toMillis() + " ms (NATS unreachable or slow)")));
    }

    private static Found readAll(
            JetStream jetStream, String env, String feed, String shard, long deadline, Progress p) {
        String stream = Subjects.streamName(env, feed);
        StreamContext context;
        try {
            context = jetStream.getStreamContext(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_STREAM) {
                // Nothing was ever published for the feed here; the publisher will say what is wrong with the stream.
                return new Found(0, Optional.empty(), Optional.empty());
            }
            return new Found(0, Optional.empty(), Optional.of("stream " + stream + ": " + e.getMessage()));
        } catch (Exception e) {
            return new Found(0, Optional.empty(), Optional.of("stream " + stream + ": " + describe(e)));
        }
        java.util.List<Last> connection = new java.util.ArrayList<>();
        for (String event : Subjects.CONTROL_EVENTS) {
            if (System.nanoTime() > deadline) {
                return new Found(
                        p.last, Optional.empty(), Optional.of("no answer in time for its " + event + " events"));
            }
            String subject = Subjects.control(env, feed, event, shard);
            try {
                MessageInfo last = context.getLastMessage(subject);
                ControlEvent read = ControlEvent.fromJson(last.getData());
                p.seen(read.epoch());
                if (CONNECTION_EVENTS.contains(read.event())) {
                    connection.add(new Last(read, last.getSeq()));
                }
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != NO_MESSAGE) {
                    return new Found(p.last, Optional.empty(), Optional.of(subject + ": " + e.getMessage()));
                }
            } catch (java.io.UncheckedIOException e) {
                // Not a control event (someone else's message on the subject): it names no epoch of this shard.
            } catch (Exception e) {
                return new Found(p.last, Optional.empty(), Optional.of(subject + ": " + describe(e)));
            }
        }
        return new Found(p.last, stoppedBy(newest(connection)), Optional.empty());
    }

    /**
     * The newest of a shard's last connection events: the one of the highest epoch, and within one epoch its
     * {@code disconnected}, then the later in the stream.
     *
     * <p>The epoch comes first because the events of different connections may reach the stream out of order: a
     * connection's events wait in its node's local queue while NATS is unreachable and go out late, with their
     * original times, so a late {@code disconnected} of an old connection can follow the {@code connected} of the one
     * that replaced it, both in the stream and (the two ran on different hosts' clocks) in {@code ts}; epochs, kept
     * increasing per shard across nodes by this very read, do not lie. Within one epoch the {@code disconnected} is the
     * connection's last event whatever its {@code ts}: a {@code handover}'s {@code ts} is the switch time, set ahead of
     * the clock, so the new connection's {@code disconnected} may carry an earlier one. A connection opens with a
     * {@code connected} or a {@code handover}, never both, so the stream order only breaks ties that cannot happen.
     */
    static Optional<ControlEvent> newest(java.util.List<Last> connection) {
        return connection.stream()
                .max(java.util.Comparator.<Last>comparingLong(l -> l.event().epoch())
                        .thenComparing(l -> l.event().event().equals(ControlEvent.DISCONNECTED))
                        .thenComparingLong(Last::seq))
                .map(Last::event);
    }

    /** The teardown's reason when {@code newest} is the {@code disconnected} of a teardown's pause. */
    private static Optional<String> stoppedBy(Optional<ControlEvent> newest) {
        return newest.filter(e -> e.event().equals(ControlEvent.DISCONNECTED)
                        && e.reason().equals(ControlEvent.REASON_SCHEDULED_TEARDOWN))
                .map(ControlEvent::reason);
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof TimeoutException) {
            return "no answer in time (NATS unreachable or slow)";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** The highest epoch read so far, kept when the bound cuts the read short. */
    private static final class Progress {
        private volatile long last;

        synchronized void seen(long epoch) {
            last = Math.max(last, epoch);
        }
    }
}
