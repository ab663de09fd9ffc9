package io.ssmd.archive;

import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.util.Optional;
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
 */
final class StreamConsumer {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);

    private StreamConsumer() {
    }

    /** Messages of {@code stream} from {@code nextSeq} on, re-read from {@code nextSeq} after each failure. */
    static Source<Optional<Message>, NotUsed> source(Connection nats, String stream, LongSupplier nextSeq,
            ArchiverSettings settings) {
        RestartSettings restart = RestartSettings.create(settings.consumerBackoffMin(), settings.consumerBackoffMax(),
                0.2);
        return RestartSource.withBackoff(restart, () -> Source.unfoldResource(
                        () -> open(nats, stream, nextSeq.getAsLong(), settings),
                        consumer -> Optional.of(Optional.ofNullable(consumer.nextMessage(settings.pollTimeout()))),
                        StreamConsumer::close))
                .withAttributes(ActorAttributes.dispatcher(settings.ioDispatcher()));
    }

    private static IterableConsumer open(Connection nats, String stream, long startSeq, ArchiverSettings settings)
            throws IOException, JetStreamApiException {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(startSeq);
        try {
            IterableConsumer consumer = nats.getStreamContext(stream).createOrderedConsumer(config)
                    .iterate(ConsumeOptions.builder().batchSize(settings.fetchBatch()).build());
            log.debug("consuming {} from seq {}", stream, startSeq);
            return consumer;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.warn("cannot consume stream {} from seq {}: {}; retrying", stream, startSeq, e.toString());
            throw e;
        }
    }

    private static void close(IterableConsumer consumer) {
        try {
            consumer.close();
        } catch (Exception e) {
            log.debug("closing a consumer: {}", e.toString());
        }
    }
}
