package io.ssmd.archive;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole stream as a source, from a start sequence, without acks (DESIGN §6: the manifests are the position; with
 * limits retention an ack would free nothing).
 *
 * <p>It is JetStream's ordered consumer: an ephemeral pull consumer with {@code DeliverByStartSequence}, which the
 * client recreates from the last sequence it delivered whenever it misses a message or a heartbeat (a NATS restart).
 * Pull requests of {@code fetch-batch} messages are its backpressure: nothing is requested while the archive is busy.
 * If the consumer fails outright it is rebuilt from the archive's own last written sequence. Each poll that finds
 * nothing emits an empty element, the archiver's clock tick.
 *
 * <p>A watchdog covers the case the client does not notice: after a NATS restart its consumer may sit silent until
 * heartbeats time out. When polls have found nothing for {@code stall-timeout} while the stream holds messages past
 * the last one delivered, the consumer is dropped and recreated.
 */
final class StreamConsumer {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);

    private StreamConsumer() {}

    /**
     * Messages of {@code stream} from {@code nextSeq} on, re-read from {@code nextSeq} after each failure, until
     * {@code stopped}.
     */
    static Source<Optional<Message>, NotUsed> source(
            Connection nats,
            String stream,
            LongSupplier nextSeq,
            StreamProbe probe,
            BooleanSupplier stopped,
            ArchiverSettings settings) {
        RestartSettings restart =
                RestartSettings.create(settings.consumerBackoffMin(), settings.consumerBackoffMax(), 0.2);
        // The dispatcher goes on the inner source: RestartSource materializes it apart, without outer attributes.
        // Once the archiver stops, the next poll completes the source instead of waiting on downstream cancellation
        // to reach a stage that is blocked in a poll.
        return RestartSource.onFailuresWithBackoff(
                restart,
                () -> Source.unfoldResource(
                                () -> open(nats, stream, nextSeq.getAsLong(), settings),
                                polling -> stopped.getAsBoolean()
                                        ? Optional.empty()
                                        : Optional.of(polling.next(probe, settings)),
                                Polling::close)
                        .withAttributes(ActorAttributes.dispatcher(settings.ioDispatcher())));
    }

    /** One consumer and what the watchdog knows of it. */
    private static final class Polling {
        private final String stream;
        private final IterableConsumer consumer;
        private long lastSeq;
        private long quietSince = System.nanoTime();

        Polling(String stream, IterableConsumer consumer, long startSeq) {
            this.stream = stream;
            this.consumer = consumer;
            this.lastSeq = startSeq - 1;
        }

        Optional<Message> next(StreamProbe probe, ArchiverSettings settings) throws Exception {
            Message message = consumer.nextMessage(settings.pollTimeout());
            long now = System.nanoTime();
            if (message != null) {
                lastSeq = message.metaData().streamSequence();
                quietSince = now;
                return Optional.of(message);
            }
            if (now - quietSince >= settings.stallTimeout().toNanos()) {
                quietSince = now;
                Optional<StreamProbe.State> state = probe.state();
                if (state.isPresent() && state.get().lastSeq() > lastSeq) {
                    throw new IllegalStateException("consumer of " + stream + " silent at seq " + lastSeq
                            + " while the stream holds up to " + state.get().lastSeq() + "; recreating it");
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

    private static Polling open(Connection nats, String stream, long startSeq, ArchiverSettings settings)
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
