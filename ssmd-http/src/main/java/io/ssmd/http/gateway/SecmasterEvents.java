package io.ssmd.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.ssmd.core.meta.MarketRecord;
import io.ssmd.core.meta.OutboxEvent;
import io.ssmd.core.nats.OrderedStreamSource;
import io.ssmd.core.subject.SecmasterSubjects;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security master's change events (DESIGN §15: stream {@code {ENV}_SECMASTER}, subjects
 * {@code {env}.secmaster.{feed}.{event}.{token}}, body the outbox payload) as the gateway reads them, so that an ended
 * market's book, ticker and trades leave its maps on every gateway node ({@link GatewayCore#onMarketStatus}). Read
 * from the stream's first message: a market settled before this node started is forgotten too, whatever its feed's
 * stream still holds of it. Until the stream exists (no relay has created it yet) the consumer retries with backoff.
 */
final class SecmasterEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SecmasterEvents.class);

    /** The feed pipeline's consumer settings, with a slower retry while the stream does not exist yet. */
    private static final OrderedStreamSource.Settings CONSUMER = new OrderedStreamSource.Settings(
            1000,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2),
            "pekko.actor.default-blocking-io-dispatcher");

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong position = new AtomicLong();
    private final UniqueKillSwitch consumer;

    private SecmasterEvents(ActorSystem<?> system, Connection nats, String env, GatewayCore core) {
        String stream = SecmasterSubjects.streamName(env);
        consumer = OrderedStreamSource.create(
                        nats, stream, () -> position.get() + 1, () -> lastSeq(nats, stream), stopped::get, CONSUMER)
                .viaMat(KillSwitches.single(), Keep.right())
                .to(Sink.foreach(next -> next.ifPresent(message -> {
                    apply(message, core);
                    position.set(message.metaData().streamSequence());
                })))
                .run(system);
    }

    /** Starts reading {@code {ENV}_SECMASTER} into {@code core}. */
    static SecmasterEvents start(ActorSystem<?> system, Connection nats, String env, GatewayCore core) {
        return new SecmasterEvents(system, nats, env, core);
    }

    /** The stream sequence of the last event handled, 0 before the first. */
    long position() {
        return position.get();
    }

    private static void apply(Message message, GatewayCore core) {
        try {
            JsonNode event = GatewayJson.JSON.readTree(message.getData());
            String feed = event.path("feed").asText("");
            String instrument = event.path("instrument").asText("");
            String status = event.path("market").path("status").asText("");
            if (status.isEmpty()) {
                status = switch (event.path("event").asText("")) {
                    case OutboxEvent.SETTLED -> MarketRecord.SETTLED;
                    case OutboxEvent.REMOVED -> MarketRecord.REMOVED;
                    default -> "";
                };
            }
            if (feed.isEmpty() || instrument.isEmpty() || !MarketRecord.STATUSES.contains(status)) {
                log.debug(
                        "gateway: security-master event on {} names no feed, instrument or status",
                        message.getSubject());
                return;
            }
            core.onMarketStatus(feed, instrument, status);
        } catch (IOException | RuntimeException e) {
            log.warn("gateway: security-master event on {} not applied: {}", message.getSubject(), e.toString());
        }
    }

    private static OptionalLong lastSeq(Connection nats, String stream) {
        try {
            return OptionalLong.of(nats.jetStreamManagement()
                    .getStreamInfo(stream)
                    .getStreamState()
                    .getLastSequence());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        stopped.set(true);
        consumer.shutdown();
    }
}
