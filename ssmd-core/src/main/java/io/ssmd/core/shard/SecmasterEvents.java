package io.ssmd.core.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.ssmd.core.subject.SecmasterSubjects;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One feed's security-master change events as the outbox relay publishes them ({@link SecmasterSubjects}, DESIGN
 * §15): subject {@code {env}.secmaster.{feed}.{event}.{token}} in stream {@code {ENV}_SECMASTER}, header
 * {@code Ssmd-Outbox-Id} = the outbox id, body the outbox payload
 * {@code {"feed","instrument","event",...,"market":{tracked fields}}}.
 *
 * <p>Read with an ordered push consumer (ephemeral, no acks, recreated by the client from its last sequence after a
 * NATS restart) delivering from a start time: the feed manager starts it a margin before the instant it read the
 * security master, and applies only events newer than each market's version ({@link SecmasterUniverse}), so the
 * overlap costs nothing and an event committed after the read, whatever its id, is delivered.
 */
final class SecmasterEvents implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One change event: the market's tracked fields after the change, by column. */
    record Event(long id, String instrument, Map<String, String> market) {}

    private final Connection nats;
    private final Dispatcher dispatcher;

    private SecmasterEvents(Connection nats, Dispatcher dispatcher) {
        this.nats = nats;
        this.dispatcher = dispatcher;
    }

    /** {@code {env}.secmaster.{feed}.>}. */
    static String subject(String env, String feed) {
        return SecmasterSubjects.feedSubjects(env, feed);
    }

    /**
     * Subscribes to {@code feed}'s events published from {@code from} on; {@code events} hears each readable one and
     * {@code unreadable} why another could not be read, both on a NATS dispatcher thread. Blocking.
     *
     * @throws IOException or JetStreamApiException when JetStream refuses (no stream covers the subject yet)
     */
    static SecmasterEvents subscribe(
            Connection nats, String env, String feed, Instant from, Consumer<Event> events, Consumer<String> unreadable)
            throws IOException, JetStreamApiException {
        Dispatcher dispatcher = nats.createDispatcher();
        dispatcher.setPendingLimits(0, 0); // unlimited: a dropped event would be a market never added
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .ordered(true)
                .configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.ByStartTime)
                        .startTime(from.atZone(ZoneOffset.UTC))
                        .build())
                .build();
        try {
            JetStreamSubscription unused = nats.jetStream()
                    .subscribe(
                            subject(env, feed),
                            dispatcher,
                            message ->
                                    read(message).ifPresentOrElse(events, () -> unreadable.accept(describe(message))),
                            false,
                            options);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            nats.closeDispatcher(dispatcher);
            throw e;
        }
        return new SecmasterEvents(nats, dispatcher);
    }

    /** The event a message carries, empty when it is not one (no outbox id, no instrument or market). */
    static Optional<Event> read(Message message) {
        try {
            OptionalLong outboxId = SecmasterSubjects.outboxId(message.getHeaders());
            if (outboxId.isEmpty()) {
                return Optional.empty();
            }
            long id = outboxId.getAsLong();
            JsonNode body = JSON.readTree(message.getData());
            JsonNode market = body.path("market");
            String instrument = body.path("instrument").asText("");
            if (instrument.isEmpty() || !market.isObject()) {
                return Optional.empty();
            }
            Map<String, String> fields = new HashMap<>();
            market.fields()
                    .forEachRemaining(f -> fields.put(
                            f.getKey(),
                            f.getValue().isNull() ? null : f.getValue().asText()));
            return Optional.of(new Event(id, instrument, fields));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String describe(Message message) {
        return "message on " + message.getSubject() + " is no security-master event (needs "
                + SecmasterSubjects.OUTBOX_ID
                + " and a body with instrument and market)";
    }

    @Override
    public void close() {
        if (nats.getStatus() != Connection.Status.CLOSED) {
            nats.closeDispatcher(dispatcher);
        }
    }
}
