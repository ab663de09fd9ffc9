package io.ssmd.core.nats;

import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.ssmd.core.metrics.ConnectorMetrics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JetStream publisher stage of a shard's graph (DESIGN §5): no message is lost silently.
 *
 * <p>Each message is published asynchronously with its {@code Nats-Msg-Id}, {@code Ssmd-Received-At} and
 * {@code Ssmd-Shard} headers. At most {@link PublisherSettings#window()} messages await their outcome at once; when
 * the window is full the stage stops pulling, so the venue socket upstream is backpressured: ssmd would rather lag than
 * drop.
 *
 * <p>An attempt that is not acked within {@link PublisherSettings#ackTimeout()} (or fails) is repeated after a backoff
 * that doubles each time, with the same {@code Nats-Msg-Id}: if the lost attempt had in fact been stored, the server's
 * duplicate window drops the repeat and acks it as a duplicate. This matters because the NATS client keeps publishes
 * made while the server is unreachable in its reconnect buffer and sends them after reconnecting, while their futures
 * time out on their own; an attempt given up on can still arrive later. A late ack of an earlier attempt is taken as
 * the outcome; every PubAck marked duplicate, from any attempt, counts in {@code ssmd_connector_duplicates_total}. (The client also times requests out itself after its {@code requestCleanupInterval}, 5 s by default, so
 * a longer ack timeout has no effect.)
 *
 * <p>A message that fails every attempt is counted ({@code ssmd_connector_publish_failed_total}) and emitted as a
 * {@link PublishOutcome.Status#FAILED} outcome; the stream goes on. Failures are announced by {@link FailureRanges}:
 * a run of them is one {@code publish_failed} control event (first and last receive time, count, instruments) and one
 * WARN line, so an outage of any length is a few events. A failed message may still have been stored by a late
 * attempt: {@code publish_failed} means "possibly missing".
 */
public final class Publisher {

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final JetStream jetStream;
    private final PublisherSettings settings;
    private final ConnectorMetrics metrics;
    private final AckDeadlines deadlines;
    /** Messages of one graph come from one shard: remembering its metrics saves a lookup per message. */
    private volatile ShardMetrics lastShard;

    private Publisher(JetStream jetStream, PublisherSettings settings, ConnectorMetrics metrics) {
        this.jetStream = jetStream;
        this.settings = settings;
        this.metrics = metrics;
        this.deadlines = new AckDeadlines(settings.ackTimeout());
    }

    /**
     * The publisher as a flow: one {@link PublishOutcome} per message, in input order. It never fails because of a
     * message; it completes when its upstream does, after the last outcome.
     *
     * @param control where {@code publish_failed} events go
     */
    public static Flow<OutboundMessage, PublishOutcome, NotUsed> flow(
            JetStream jetStream, PublisherSettings settings, ConnectorMetrics metrics, ControlEventPublisher control) {
        return flow(jetStream, settings, metrics, control, PublishWindow.NONE);
    }

    /**
     * The publisher as a flow whose window is watched: {@code window} hears when it becomes full (the upstream is no
     * longer read) and when it has room again.
     */
    public static Flow<OutboundMessage, PublishOutcome, NotUsed> flow(
            JetStream jetStream,
            PublisherSettings settings,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            PublishWindow window) {
        return flow(jetStream, settings, metrics, control, window, FailureRangeLimits.defaults());
    }

    /**
     * The publisher as a flow whose window is watched and whose failed messages are announced in ranges bounded by
     * {@code limits} ({@code ssmd.connectors.publish-failed}).
     */
    public static Flow<OutboundMessage, PublishOutcome, NotUsed> flow(
            JetStream jetStream,
            PublisherSettings settings,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            PublishWindow window,
            FailureRangeLimits limits) {
        return batches(jetStream, settings, metrics, control, window, limits).mapConcat(batch -> batch);
    }

    /**
     * The publisher as {@link #flow(JetStream, PublisherSettings, ConnectorMetrics, ControlEventPublisher,
     * PublishWindow, FailureRangeLimits)} makes it, with its outcomes in batches: each element is every outcome known at
     * the head of the window when the stage looked, in input order, never empty. Under load one element carries many
     * PubAcks, so a shard's stages after the publisher run once per batch rather than once per message.
     */
    public static Flow<OutboundMessage, List<PublishOutcome>, NotUsed> batches(
            JetStream jetStream,
            PublisherSettings settings,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            PublishWindow window,
            FailureRangeLimits limits) {
        return batches(jetStream, settings, metrics, control, window, limits, PublishBudget.NONE);
    }

    /**
     * As above, sharing the node's {@code budget} of messages in flight with every other publisher of the node: beyond
     * the budget's floor each held message takes a permit, and a publisher without one takes no more messages (its
     * {@code window} hears {@link PublishWindow#full()} as when its own window is full).
     */
    public static Flow<OutboundMessage, List<PublishOutcome>, NotUsed> batches(
            JetStream jetStream,
            PublisherSettings settings,
            ConnectorMetrics metrics,
            ControlEventPublisher control,
            PublishWindow window,
            FailureRangeLimits limits,
            PublishBudget budget) {
        if (settings.window() < 1 || settings.maxAttempts() < 1) {
            throw new IllegalArgumentException("publisher window and max attempts must be at least 1: " + settings);
        }
        Publisher publisher = new Publisher(jetStream, settings, metrics);
        // The stage holds at most `window` messages, each until its outcome is known (retries included), and pulls
        // no more while full: that is the in-flight bound and the backpressure. Its outcomes come out in input order,
        // so the failure ranges are runs of consecutive messages. The ranges still open when the stream ends (or
        // fails, or is cancelled) are announced inside the stage, before the completion reaches the shard, which
        // announces its disconnected only then.
        return Flow.<OutboundMessage>create()
                .via(new PublishStage<>(settings.window(), publisher::publish, window, budget))
                .statefulMap(
                        () -> new FailureRanges(control::raise, limits),
                        (failures, batch) -> {
                            for (int i = 0; i < batch.size(); i++) {
                                failures.outcome(batch.get(i));
                            }
                            return Pair.create(failures, batch);
                        },
                        failures -> {
                            failures.closeAll("the shard's stream ended");
                            return Optional.empty();
                        });
    }

    private CompletableFuture<PublishOutcome> publish(OutboundMessage message) {
        Publication publication = new Publication(message, metricsOf(message));
        publication.attempt();
        return publication.outcome;
    }

    private ConnectorMetrics.PublishMetrics metricsOf(OutboundMessage message) {
        ShardMetrics last = lastShard;
        if (last != null && last.shard.equals(message.shard()) && last.feed.equals(message.feed())) {
            return last.metrics;
        }
        ShardMetrics found =
                new ShardMetrics(message.feed(), message.shard(), metrics.publish(message.feed(), message.shard()));
        lastShard = found;
        return found.metrics;
    }

    private record ShardMetrics(String feed, String shard, ConnectorMetrics.PublishMetrics metrics) {}

    /**
     * One message on its way. Attempts run one after another: the next starts only after the previous one failed.
     * The first ack of any attempt decides the outcome; a failure counts only for the current attempt, once.
     */
    private final class Publication implements AckDeadlines.Watched {
        private final OutboundMessage message;
        private final ConnectorMetrics.PublishMetrics shardMetrics;
        private final long startNanos = System.nanoTime();
        private final CompletableFuture<PublishOutcome> outcome = new CompletableFuture<>();
        private final AtomicInteger failedAttempts = new AtomicInteger();
        /** Set by whoever decides the outcome, before the metrics, so they are counted before anyone sees it. */
        private final AtomicBoolean finished = new AtomicBoolean();

        private volatile int attempts;
        private Headers headers;

        Publication(OutboundMessage message, ConnectorMetrics.PublishMetrics shardMetrics) {
            this.message = message;
            this.shardMetrics = shardMetrics;
        }

        void attempt() {
            if (finished.get()) {
                return;
            }
            int attempt = ++attempts;
            if (attempt > 1) {
                shardMetrics.retries().inc();
            }
            CompletableFuture<PublishAck> ack;
            try {
                if (headers == null) {
                    headers = new Headers()
                            .put(PublishHeaders.MSG_ID, message.msgId())
                            .put(PublishHeaders.RECEIVED_AT, Long.toString(message.receivedAtMicros()))
                            .put(PublishHeaders.SHARD, message.shard());
                    if (message.truncated()) {
                        headers.put(PublishHeaders.FRAME_SIZE, Long.toString(message.frameSize()));
                    }
                    message.headers().forEach(headers::put);
                }
                ack = jetStream.publishAsync(message.subject(), headers, message.payload());
            } catch (RuntimeException e) {
                if (refusedWhileReconnecting(e)) {
                    // NATS is away and the client holds nothing back (NatsConnections): the attempt ends after
                    // ack-timeout, as one sent into the outage would, so an outage costs a message its attempts no
                    // faster than before; a message that fails was never sent, so never lands after its gap.
                    PublishTimer.after(
                            settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS, () -> attemptFailed(attempt, e));
                    return;
                }
                // The client refuses at once when closed (and a subject or header it cannot send fails every attempt
                // the same way, ending as publish_failed).
                attemptFailed(attempt, e);
                return;
            }
            deadlines.watch(this, attempt);
            ack.whenComplete((pubAck, error) -> {
                if (error != null) {
                    attemptFailed(attempt, error);
                    return;
                }
                // Counted for every attempt, even one acked after the outcome was decided: each is a repeat the
                // server dropped.
                if (pubAck.isDuplicate()) {
                    shardMetrics.duplicates().inc();
                }
                acked(pubAck);
            });
        }

        private static boolean refusedWhileReconnecting(RuntimeException e) {
            return e instanceof IllegalStateException
                    && String.valueOf(e.getMessage()).contains("during reconnect");
        }

        @Override
        public boolean settled(int attempt) {
            return finished.get() || failedAttempts.get() >= attempt;
        }

        @Override
        public void expire(int attempt) {
            attemptFailed(attempt, new TimeoutException("no PubAck within " + settings.ackTimeout()));
        }

        private void acked(PublishAck ack) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            shardMetrics.seconds().observe((System.nanoTime() - startNanos) / 1e9);
            shardMetrics.published().inc();
            PublishOutcome.Status status =
                    ack.isDuplicate() ? PublishOutcome.Status.DUPLICATE : PublishOutcome.Status.STORED;
            outcome.complete(new PublishOutcome(message, status, ack.getSeqno(), attempts, ""));
        }

        private void attemptFailed(int attempt, Throwable error) {
            // The deadline and the client's own failure may both report one attempt; the first one counts.
            if (finished.get() || !failedAttempts.compareAndSet(attempt - 1, attempt)) {
                return;
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (attempt < settings.maxAttempts()) {
                long backoff = settings.retryDelays().delay(attempt - 1).toMillis();
                log.debug(
                        "publish of {} ({}) attempt {} failed, retrying in {} ms: {}",
                        message.msgId(),
                        message.subject(),
                        attempt,
                        backoff,
                        cause.toString());
                PublishTimer.after(backoff, TimeUnit.MILLISECONDS, this::attempt);
                return;
            }
            fail(attempt, cause);
        }

        private void fail(int attempt, Throwable cause) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            shardMetrics.failed().inc();
            shardMetrics.errors().inc();
            // One WARN per range, from FailureRanges; a line per message would flood the log in an outage.
            log.debug(
                    "publish of {} (Nats-Msg-Id {}) failed after {} attempts: {}",
                    message.subject(),
                    message.msgId(),
                    attempt,
                    cause.toString());
            outcome.complete(new PublishOutcome(message, PublishOutcome.Status.FAILED, 0, attempt, cause.toString()));
        }
    }
}
