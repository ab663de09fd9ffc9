package io.ssmd.data.replay;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.nats.ControlEventPublisher;
import io.ssmd.core.nats.OutboundMessage;
import io.ssmd.core.nats.PublishHeaders;
import io.ssmd.core.nats.PublishOutcome;
import io.ssmd.core.nats.Publisher;
import io.ssmd.core.nats.PublisherSettings;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

/**
 * Republishes archived messages into NATS under another environment ({@code ssmd data replay --nats}, DESIGN §16),
 * through ssmd's own publisher (acked JetStream publishes, retried with the same id, a bounded window that
 * backpressures the replay). Each message goes to its subject with the environment token replaced, with its frame's
 * bytes as archived, and these headers:
 *
 * <ul>
 *   <li>{@code Nats-Msg-Id} = {@code {runId}:{original Nats-Msg-Id}} ({@code {runId}:seq:{stream seq}} when the
 *       archive holds none): a retry inside one run is deduplicated, a second run is not a duplicate of the first;
 *   <li>{@code Ssmd-Received-At}: the archived receive time; {@code Ssmd-Shard}: the shard that received it;
 *   <li>{@code Ssmd-Original-Msg-Id}, {@code Ssmd-Original-Seq}, {@code Ssmd-Original-Subject}: where it came from;
 *   <li>{@code Ssmd-Replayed-At}: when the replay published it, epoch µs; {@code Ssmd-Replay-Run}: the run's id.
 * </ul>
 *
 * The stream for the target environment's subjects is the one on the server that covers them; when there is none,
 * {@code {ENV}_{FEED}} over {@code {env}.{feed}.>} is created as an environment's would be.
 */
public final class NatsReplayTarget implements ReplayTarget {

    /** The archived message's own {@code Nats-Msg-Id}. */
    public static final String ORIGINAL_MSG_ID = "Ssmd-Original-Msg-Id";
    /** Its sequence in the archived stream. */
    public static final String ORIGINAL_SEQ = "Ssmd-Original-Seq";
    /** Its subject under the archived environment. */
    public static final String ORIGINAL_SUBJECT = "Ssmd-Original-Subject";
    /** When the replay published it, epoch µs. */
    public static final String REPLAYED_AT = "Ssmd-Replayed-At";
    /** The replay run's id, the prefix of every {@code Nats-Msg-Id} it sends. */
    public static final String REPLAY_RUN = "Ssmd-Replay-Run";

    private final String env;
    private final String runId;
    private final ControlEventPublisher control;
    /**
     * Offers not yet taken by the stream, oldest first: the replay thread waits only when this many are pending, not
     * on every message (a hand-over per message cost it about half the publisher's rate).
     */
    private static final int MAX_PENDING_OFFERS = 256;

    private final SourceQueueWithComplete<OutboundMessage> queue;
    private final java.util.ArrayDeque<java.util.concurrent.CompletableFuture<QueueOfferResult>> pending =
            new java.util.ArrayDeque<>();
    private final CompletableFuture<Done> done;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private NatsReplayTarget(ActorSystem<?> system, Connection nats, String env, String runId, ReplaySettings settings)
            throws IOException {
        this.env = env;
        this.runId = runId;
        PublisherSettings publisher = new PublisherSettings(
                settings.publishWindow(),
                PublisherSettings.defaults().maxAttempts(),
                PublisherSettings.defaults().retryBackoff(),
                PublisherSettings.defaults().ackTimeout(),
                PublisherSettings.defaults().controlQueueCapacity());
        ConnectorMetrics metrics = ConnectorMetrics.create(new PrometheusRegistry());
        this.control = ControlEventPublisher.create(nats, env, publisher, metrics);
        Pair<SourceQueueWithComplete<OutboundMessage>, java.util.concurrent.CompletionStage<Done>> graph =
                Source.<OutboundMessage>queue(
                                settings.publishWindow(), OverflowStrategy.backpressure(), MAX_PENDING_OFFERS)
                        .via(Publisher.flow(nats.jetStream(), publisher, metrics, control))
                        .toMat(Sink.foreach(this::outcome), Keep.both())
                        .run(system);
        this.queue = graph.first();
        this.done = graph.second().toCompletableFuture();
    }

    /**
     * A target publishing under {@code env}, making sure a stream covers {@code env}'s subjects of {@code feed}.
     *
     * @param runId the replay run's id (the {@code Nats-Msg-Id} prefix)
     * @throws IOException           when NATS cannot be reached
     * @throws IllegalStateException when the stream cannot be created (the server's reason)
     */
    public static NatsReplayTarget start(
            ActorSystem<?> system, Connection nats, String env, String feed, String runId, ReplaySettings settings)
            throws IOException {
        ensureStream(nats, env, feed, settings);
        return new NatsReplayTarget(system, nats, env, runId, settings);
    }

    /**
     * The stream on the server that covers {@code env}'s subjects of {@code feed}, created ({@code {ENV}_{FEED}}) when
     * none does.
     *
     * @return its name
     */
    public static String ensureStream(Connection nats, String env, String feed, ReplaySettings settings)
            throws IOException {
        String probe = Subjects.system(env, feed, feed + "-0");
        try {
            List<String> covering = nats.jetStreamManagement().getStreamNames(probe);
            if (!covering.isEmpty()) {
                return covering.get(0);
            }
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot list the streams on the NATS server: " + e.getMessage(), e);
        }
        StreamSpec spec = new StreamSpec(
                Subjects.streamName(env, feed),
                List.of(Subjects.streamSubjects(env, feed)),
                settings.streamMaxBytes(),
                settings.streamMaxAge(),
                settings.streamDuplicateWindow(),
                StreamSpec.Storage.FILE,
                1);
        try {
            nats.jetStreamManagement().addStream(StreamSetup.configuration(spec));
        } catch (JetStreamApiException e) {
            throw new IllegalStateException(
                    "cannot create stream " + spec.name() + " for the replay: " + e.getMessage(), e);
        }
        return spec.name();
    }

    /** {@code subject} with its environment token (the first) replaced by {@code env}. */
    public static String reroot(String subject, String env) {
        int dot = subject.indexOf('.');
        return dot < 0 ? subject : env + subject.substring(dot);
    }

    @Override
    public boolean send(ReplayMessage m) throws InterruptedException {
        var archived = m.message();
        Map<String, String> headers = new HashMap<>(8);
        String original = archived.id() != null ? archived.id() : "seq:" + archived.seq();
        headers.put(PublishHeaders.MSG_ID, runId + ":" + original);
        if (archived.id() != null) {
            headers.put(ORIGINAL_MSG_ID, archived.id());
        }
        headers.put(ORIGINAL_SEQ, Long.toString(archived.seq()));
        headers.put(ORIGINAL_SUBJECT, archived.subject());
        headers.put(REPLAYED_AT, Long.toString(io.ssmd.core.nats.EpochMicros.now()));
        headers.put(REPLAY_RUN, runId);
        String shard = m.shard();
        OutboundMessage out = new OutboundMessage(
                reroot(archived.subject(), env),
                archived.frame(),
                m.subject().feed(),
                shard.isEmpty() ? "replay" : shard,
                0,
                archived.seq(),
                0,
                archived.ts(),
                0,
                headers);
        pending.add(queue.offer(out).toCompletableFuture());
        while (!pending.isEmpty()
                && (pending.size() >= MAX_PENDING_OFFERS || pending.peek().isDone())) {
            taken(pending.poll());
        }
        return true;
    }

    private static void taken(java.util.concurrent.CompletableFuture<QueueOfferResult> offer)
            throws InterruptedException {
        QueueOfferResult result;
        try {
            result = offer.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the publisher stopped: " + e.getCause(), e.getCause());
        }
        if (result != QueueOfferResult.enqueued()) {
            throw new IllegalStateException("the publisher refused a message: " + result);
        }
    }

    private void outcome(PublishOutcome outcome) {
        switch (outcome.status()) {
            case STORED -> stored.incrementAndGet();
            case DUPLICATE -> duplicates.incrementAndGet();
            default -> failed.incrementAndGet();
        }
    }

    /** Messages the server stored. */
    public long stored() {
        return stored.get();
    }

    /** Messages that failed every attempt (announced as {@code publish_failed} under the target environment). */
    public long failed() {
        return failed.get();
    }

    @Override
    public String finish() throws InterruptedException {
        while (!pending.isEmpty()) {
            taken(pending.poll());
        }
        queue.complete();
        try {
            done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the publisher failed: " + e.getCause(), e.getCause());
        }
        return String.format(
                java.util.Locale.ROOT,
                "NATS %s: %,d stored, %,d duplicates, %,d failed (run %s)",
                env,
                stored.get(),
                duplicates.get(),
                failed.get(),
                runId);
    }

    @Override
    public void close() {
        queue.complete();
        control.close();
    }
}
