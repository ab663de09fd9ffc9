package io.ssmd.core.nats;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole JetStream stream as a Pekko source, from a start sequence, without acks: what a reader needs whose position
 * lives in its own output (the archive's manifests, DESIGN §6) rather than in a durable consumer; with limits
 * retention an ack would free nothing.
 *
 * <p>It is JetStream's ordered consumer: an ephemeral pull consumer with {@code DeliverByStartSequence}, which the
 * client recreates from the last sequence it delivered whenever it misses a message or a heartbeat (a NATS restart).
 * Pull requests of {@link Settings#fetchBatch()} messages are its backpressure: nothing is requested while downstream
 * is busy. If the consumer fails outright it is rebuilt, after a {@link Settings#restart()} backoff, from the
 * sequence the reader says comes next. Each poll that finds nothing emits an empty element, the reader's clock tick.
 *
 * <p>A watchdog covers the case the client does not notice: after a NATS restart its consumer may sit silent until
 * heartbeats time out. When polls have found nothing for {@link Settings#stallTimeout()} while the stream holds
 * messages past the last one delivered, the consumer is dropped and recreated. So it is when the reader's next
 * sequence goes back (it only ever moves forward otherwise): the reader found the stream reset below its position.
 */
public final class OrderedStreamSource {

    private static final Logger log = LoggerFactory.getLogger(OrderedStreamSource.class);

    /**
     * How the source reads.
     *
     * @param fetchBatch   messages per pull request
     * @param pollTimeout  how long one poll waits for a message before emitting an empty tick
     * @param stallTimeout how long the consumer may stay silent while the stream holds more before it is recreated
     * @param restart      the backoff before rebuilding a failed consumer (Pekko's, as it drives a
     *                     {@code RestartSource})
     * @param dispatcher   where the blocking polls run (never the default dispatcher)
     */
    public record Settings(
            int fetchBatch, Duration pollTimeout, Duration stallTimeout, RestartSettings restart, String dispatcher) {

        public Settings {
            if (fetchBatch < 1) {
                throw new IllegalArgumentException("fetchBatch must be at least 1, got " + fetchBatch);
            }
        }
    }

    private OrderedStreamSource() {}

    /**
     * Messages of {@code stream} from {@code nextSeq} on, re-read from {@code nextSeq} after each failure, until
     * {@code stopped}.
     *
     * @param nextSeq        the first sequence to read, asked again on every restart
     * @param streamLastSeq  the stream's last sequence, for the watchdog; empty when NATS cannot be asked right now
     * @param stopped        once true, the next poll completes the source
     */
    public static Source<Optional<Message>, NotUsed> create(
            Connection nats,
            String stream,
            LongSupplier nextSeq,
            Supplier<OptionalLong> streamLastSeq,
            BooleanSupplier stopped,
            Settings settings) {
        // The dispatcher goes on the inner source: RestartSource materializes it apart, without outer attributes.
        // Once stopped, the next poll completes the source instead of waiting on downstream cancellation to reach a
        // stage that is blocked in a poll.
        return RestartSource.onFailuresWithBackoff(
                settings.restart(),
                () -> Source.unfoldResource(
                                () -> open(nats, stream, nextSeq.getAsLong(), settings),
                                polling -> stopped.getAsBoolean()
                                        ? Optional.empty()
                                        : Optional.of(polling.next(nextSeq, streamLastSeq, settings)),
                                Polling::close)
                        .withAttributes(ActorAttributes.dispatcher(settings.dispatcher())));
    }

    /** One consumer and what the watchdog knows of it. */
    private static final class Polling {
        private final String stream;
        private final IterableConsumer consumer;
        private long wanted;
        private long lastSeq;
        private long quietSince = System.nanoTime();

        Polling(String stream, IterableConsumer consumer, long startSeq) {
            this.stream = stream;
            this.consumer = consumer;
            this.wanted = startSeq;
            this.lastSeq = startSeq - 1;
        }

        Optional<Message> next(LongSupplier nextSeq, Supplier<OptionalLong> streamLastSeq, Settings settings)
                throws Exception {
            // A reader only moves back when the stream was reset below its position (recreated, or lost and
            // provisioned again): this consumer waits on a sequence the new stream may never reach.
            long before = wanted;
            wanted = nextSeq.getAsLong();
            if (wanted < before) {
                throw new StreamRepositioned("reader of " + stream + " moved back from seq " + before + " to " + wanted
                        + ": the stream was reset; recreating the consumer");
            }
            Message message = consumer.nextMessage(settings.pollTimeout());
            long now = System.nanoTime();
            if (message != null) {
                lastSeq = message.metaData().streamSequence();
                quietSince = now;
                return Optional.of(message);
            }
            if (now - quietSince >= settings.stallTimeout().toNanos()) {
                quietSince = now;
                OptionalLong last = streamLastSeq.get();
                if (last.isPresent() && last.getAsLong() > lastSeq) {
                    throw new IllegalStateException("consumer of " + stream + " silent at seq " + lastSeq
                            + " while the stream holds up to " + last.getAsLong() + "; recreating it");
                }
            }
            return Optional.empty();
        }

        /**
         * Stops pulling at once; the client's close waits for the outstanding pull request to end (seconds), so it
         * runs off the stream's thread: a shutdown or a restart must not wait for it.
         */
        void close() {
            consumer.stop();
            CompletableFuture.runAsync(() -> {
                try {
                    consumer.close();
                } catch (Exception e) {
                    log.debug("closing the consumer of {}: {}", stream, e.toString());
                }
            });
        }
    }

    /** The reader asked for an earlier sequence than the consumer reads from. */
    private static final class StreamRepositioned extends IllegalStateException {
        StreamRepositioned(String message) {
            super(message);
        }
    }

    private static Polling open(Connection nats, String stream, long startSeq, Settings settings)
            throws IOException, JetStreamApiException {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(startSeq);
        try {
            IterableConsumer consumer = nats.getStreamContext(stream)
                    .createOrderedConsumer(config)
                    .iterate(ConsumeOptions.builder()
                            .batchSize(settings.fetchBatch())
                            .build());
            log.debug("consuming {} from seq {}", stream, startSeq);
            return new Polling(stream, consumer, startSeq);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.warn("cannot consume stream {} from seq {}: {}; retrying", stream, startSeq, e.toString());
            throw e;
        }
    }
}
