package io.ssmd.core.nats;

import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.ssmd.core.metrics.ConnectorMetrics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JetStream publisher stage of a shard's graph (DESIGN §5): no message is lost silently.
 *
 * <p>Each message is published asynchronously with its {@code Nats-Msg-Id}, {@code Ssmd-Received-At} and
 * {@code Ssmd-Shard} headers. At most {@link PublisherSettings#window()} messages await their PubAck at once; when the
 * window is full the stage stops pulling, so the venue socket upstream is backpressured: ssmd would rather lag than
 * drop.
 *
 * <p>An attempt that is not acked within {@link PublisherSettings#ackTimeout()} (or fails) is repeated after a backoff
 * that doubles each time, with the same {@code Nats-Msg-Id}: if the lost attempt had in fact been stored, the server's
 * duplicate window drops the repeat and acks it as a duplicate. This matters because the client keeps publishes made
 * while NATS is unreachable in its reconnect buffer and sends them after reconnecting, while their futures time out on
 * their own; so an attempt declared lost can still arrive later.
 *
 * <p>A message that fails every attempt is counted ({@code ssmd_connector_publish_failed_total}), logged, announced as
 * a {@code publish_failed} control event and emitted as a {@link PublishOutcome.Status#FAILED} outcome; the stream
 * goes on. (It may still have been stored by a late attempt: {@code publish_failed} means "possibly missing".)
 */
public final class Publisher {

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final JetStream jetStream;
    private final PublisherSettings settings;
    private final ConnectorMetrics metrics;
    private final ControlEventPublisher control;
    private final long ackTimeoutMillis;

    private Publisher(JetStream jetStream, PublisherSettings settings, ConnectorMetrics metrics,
            ControlEventPublisher control) {
        this.jetStream = jetStream;
        this.settings = settings;
        this.metrics = metrics;
        this.control = control;
        this.ackTimeoutMillis = settings.ackTimeout().toMillis();
    }

    /**
     * The publisher as a flow: one {@link PublishOutcome} per message, in input order. It never fails because of a
     * message; it completes when its upstream does, after the last outcome.
     *
     * @param control where {@code publish_failed} events go
     */
    public static Flow<OutboundMessage, PublishOutcome, NotUsed> flow(JetStream jetStream, PublisherSettings settings,
            ConnectorMetrics metrics, ControlEventPublisher control) {
        if (settings.window() < 1 || settings.maxAttempts() < 1) {
            throw new IllegalArgumentException("publisher window and max attempts must be at least 1: " + settings);
        }
        Publisher publisher = new Publisher(jetStream, settings, metrics, control);
        // mapAsync holds at most `window` messages, each until its outcome is known (retries included), and pulls
        // no more while full: that is the in-flight bound and the backpressure.
        return Flow.<OutboundMessage>create().mapAsync(settings.window(), publisher::publish);
    }

    private CompletionStage<PublishOutcome> publish(OutboundMessage message) {
        Publication publication = new Publication(message, metrics.publish(message.feed(), message.shard()));
        publication.attempt();
        return publication.outcome;
    }

    /** One message on its way: its headers are built on the first attempt and reused by the others. */
    private final class Publication {
        private final OutboundMessage message;
        private final ConnectorMetrics.PublishMetrics shardMetrics;
        private Headers headers;
        private final long startNanos = System.nanoTime();
        private final CompletableFuture<PublishOutcome> outcome = new CompletableFuture<>();
        private int attempts;

        Publication(OutboundMessage message, ConnectorMetrics.PublishMetrics shardMetrics) {
            this.message = message;
            this.shardMetrics = shardMetrics;
        }

        void attempt() {
            attempts++;
            CompletableFuture<PublishAck> ack;
            try {
                if (headers == null) {
                    headers = new Headers()
                            .put(PublishHeaders.MSG_ID, message.msgId())
                            .put(PublishHeaders.RECEIVED_AT, Long.toString(message.receivedAtMicros()))
                            .put(PublishHeaders.SHARD, message.shard());
                }
                ack = jetStream.publishAsync(message.subject(), headers, message.payload());
            } catch (RuntimeException e) {
                // The client refuses at once when closed or when its reconnect buffer is full during an outage (and
                // a subject or header it cannot send fails every attempt the same way, ending as publish_failed).
                attemptFailed(e);
                return;
            }
            ack.orTimeout(ackTimeoutMillis, TimeUnit.MILLISECONDS).whenComplete(this::onAck);
        }

        private void onAck(PublishAck ack, Throwable error) {
            if (error != null) {
                attemptFailed(error);
                return;
            }
            shardMetrics.seconds().observe((System.nanoTime() - startNanos) / 1e9);
            if (ack.isDuplicate()) {
                shardMetrics.duplicates().inc();
                outcome.complete(new PublishOutcome(message, PublishOutcome.Status.DUPLICATE, ack.getSeqno(), attempts,
                        ""));
            } else {
                outcome.complete(new PublishOutcome(message, PublishOutcome.Status.STORED, ack.getSeqno(), attempts,
                        ""));
            }
        }

        private void attemptFailed(Throwable error) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (attempts < settings.maxAttempts()) {
                shardMetrics.retries().inc();
                long backoff = settings.retryBackoff().toMillis() << Math.min(attempts - 1, 20);
                log.debug("publish of {} ({}) attempt {} failed, retrying in {} ms: {}", message.msgId(),
                        message.subject(), attempts, backoff, cause.toString());
                Executor later = CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS);
                later.execute(this::attempt);
                return;
            }
            fail(cause);
        }

        private void fail(Throwable cause) {
            String reason = "publish of " + message.subject() + " (Nats-Msg-Id " + message.msgId() + ") failed after "
                    + attempts + " attempts: " + cause;
            shardMetrics.failed().inc();
            log.warn(reason);
            try {
                control.raise(ControlEvent.of(ControlEvent.PUBLISH_FAILED, message.feed(), message.shard(),
                        message.epoch(), EpochMicros.now(), reason, List.of()));
            } finally {
                outcome.complete(new PublishOutcome(message, PublishOutcome.Status.FAILED, 0, attempts,
                        cause.toString()));
            }
        }
    }
}
