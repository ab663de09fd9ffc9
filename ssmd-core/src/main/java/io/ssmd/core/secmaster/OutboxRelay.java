package io.ssmd.core.secmaster;

import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import io.ssmd.core.nats.StreamSetup;
import io.ssmd.core.nats.StreamSpec;
import io.ssmd.core.settings.SecmasterRelaySettings;
import io.ssmd.core.subject.SecmasterSubjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking work of the outbox relay (DESIGN §15, docs/secmaster.md): publishes the unpublished
 * {@code secmaster_outbox} rows in id order to the {@link SecmasterSubjects} stream and marks each published after its
 * PubAck. {@link SecmasterRelay} drives it on the blocking dispatcher; nothing here is thread-safe.
 *
 * <p>Nothing is lost: a row is marked only after its PubAck, and each pass reads every row still unmarked (not those
 * above a high-water mark), so an id that committed after a higher one was published goes out on the next pass.
 * Nothing is doubled: every message carries its outbox id as {@code Nats-Msg-Id}, so the server drops a republish
 * within the duplicate window; and before its first pass, and again after any failure, {@link #recover} reads the
 * stream from just before the oldest unpublished row was written and marks the rows it finds there (published, then
 * crashed or failed before the mark) instead of publishing them again.
 */
public final class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** JetStream's API error code for "stream not found". */
    private static final int STREAM_NOT_FOUND = 10059;

    /** How long recovery waits for the next message of a stream it knows holds more. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** Ids per {@code IN} list: PostgreSQL takes far more, this keeps statements small. */
    private static final int MARK_CHUNK = 1000;

    /** An unpublished outbox row, as much of it as publishing needs. */
    record Row(long id, String feed, String event, String instrument, String payload) {}

    /** What {@link #recover} found. */
    public record Recovery(int read, int marked, OptionalLong lastOnStream) {}

    private final Jdbi jdbi;
    private final Connection nats;
    private final String env;
    private final String stream;
    private final SecmasterRelaySettings settings;
    private final SecmasterRelayMetrics metrics;

    public OutboxRelay(
            Jdbi jdbi, Connection nats, String env, SecmasterRelaySettings settings, SecmasterRelayMetrics metrics) {
        this.jdbi = jdbi;
        this.nats = nats;
        this.env = env;
        this.stream = SecmasterSubjects.streamName(env);
        this.settings = settings;
        this.metrics = metrics;
    }

    /** The stream as the relay creates it: file storage, limits retention, the configured duplicate window. */
    public static StreamSpec streamSpec(String env, SecmasterRelaySettings settings) {
        return new StreamSpec(
                SecmasterSubjects.streamName(env),
                List.of(SecmasterSubjects.streamSubjects(env)),
                -1,
                settings.streamMaxAge(),
                settings.streamDuplicateWindow(),
                StreamSpec.Storage.FILE,
                settings.streamReplicas());
    }

    /**
     * Creates the stream when the server does not have it; one that exists is left as it is.
     *
     * @return whether it was created
     */
    public boolean ensureStream() throws IOException, JetStreamApiException {
        JetStreamManagement jsm = nats.jetStreamManagement();
        try {
            jsm.getStreamInfo(stream);
            return false;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
        }
        jsm.addStream(StreamSetup.configuration(streamSpec(env, settings)));
        log.info("created stream {} ({})", stream, SecmasterSubjects.streamSubjects(env));
        return true;
    }

    /**
     * Marks as published the unpublished rows whose ids are already on the stream: published by a relay that then
     * crashed, or lost its database, before it could mark them. Reads the stream from {@code lookback} before the
     * oldest unpublished row's {@code created_at} up to the stream's last message at the start of the read; each row
     * found gets the stream's timestamp of its message as {@code published_at}.
     */
    public Recovery recover() throws IOException, JetStreamApiException, InterruptedException {
        Optional<Instant> oldest = jdbi.withHandle(h -> h.createQuery(
                        "SELECT MIN(created_at) FROM secmaster_outbox WHERE published_at IS NULL")
                .map((rs, ctx) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)))
                .one()
                .map(OffsetDateTime::toInstant));
        StreamInfo info = nats.jetStreamManagement().getStreamInfo(stream);
        StreamState state = info.getStreamState();
        if (state.getMsgCount() == 0) {
            return new Recovery(0, 0, OptionalLong.empty());
        }
        MessageInfo last = nats.jetStreamManagement().getMessage(stream, state.getLastSequence());
        OptionalLong lastId = SecmasterSubjects.outboxId(last.getHeaders());
        if (oldest.isEmpty()) {
            return new Recovery(0, 0, lastId);
        }
        Instant from = oldest.get().minus(settings.lookback());
        if (last.getTime().toInstant().isBefore(from)) {
            return new Recovery(0, 0, lastId);
        }
        Set<Long> pending = new HashSet<>(
                jdbi.withHandle(h -> h.createQuery("SELECT id FROM secmaster_outbox WHERE published_at IS NULL")
                        .mapTo(Long.class)
                        .list()));
        Map<Long, Instant> found = new LinkedHashMap<>();
        int read = 0;
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
                .deliverPolicy(DeliverPolicy.ByStartTime)
                .startTime(from.atZone(ZoneOffset.UTC));
        try (IterableConsumer consumer =
                nats.getStreamContext(stream).createOrderedConsumer(config).iterate()) {
            while (true) {
                Message message = consumer.nextMessage(READ_TIMEOUT);
                if (message == null) {
                    throw new IOException("stream " + stream + " holds messages up to seq " + state.getLastSequence()
                            + " but none came within " + READ_TIMEOUT.toSeconds() + " s; recovery will try again");
                }
                read++;
                OptionalLong id = SecmasterSubjects.outboxId(message.getHeaders());
                if (id.isPresent() && pending.contains(id.getAsLong())) {
                    found.putIfAbsent(
                            id.getAsLong(), message.metaData().timestamp().toInstant());
                }
                if (message.metaData().streamSequence() >= state.getLastSequence()) {
                    break;
                }
            }
            consumer.stop();
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof JetStreamApiException api) {
                throw api;
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IOException("reading stream " + stream + ": " + e, e);
        }
        int marked = markAt(found);
        log.info(
                "stream {}: read {} messages from {} (last outbox id on it {}), {} unpublished rows were on it",
                stream,
                read,
                from,
                lastId.isPresent() ? Long.toString(lastId.getAsLong()) : "none",
                marked);
        if (marked > 0) {
            log.warn(
                    "{} outbox rows were on stream {} but not marked published (a relay stopped between the PubAck and"
                            + " the mark): marked now, not published again",
                    marked,
                    stream);
        }
        return new Recovery(read, marked, lastId);
    }

    /**
     * Publishes every unpublished row, in id order, a batch at a time, marking each batch's acked rows. Returns when
     * none is left.
     *
     * @return the rows published
     * @throws IOException when a publish failed or was not acked in time (the acked rows before it are marked)
     */
    public int publishPending() throws IOException, InterruptedException {
        JetStream js = nats.jetStream();
        int published = 0;
        while (true) {
            List<Row> rows = jdbi.withHandle(h -> h.createQuery("SELECT id, feed, event, instrument, payload"
                            + " FROM secmaster_outbox WHERE published_at IS NULL ORDER BY id LIMIT :n")
                    .bind("n", settings.batch())
                    .map((rs, ctx) -> new Row(
                            rs.getLong("id"),
                            rs.getString("feed"),
                            rs.getString("event"),
                            rs.getString("instrument"),
                            rs.getString("payload")))
                    .list());
            if (rows.isEmpty()) {
                return published;
            }
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>(rows.size());
            for (Row row : rows) {
                acks.add(publish(js, row));
            }
            List<Long> acked = new ArrayList<>(rows.size());
            IOException failure = null;
            long deadline = System.nanoTime() + settings.ackTimeout().toNanos();
            for (int i = 0; i < rows.size(); i++) {
                try {
                    acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    acked.add(rows.get(i).id());
                } catch (ExecutionException | TimeoutException e) {
                    if (failure == null) {
                        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                        failure = new IOException(
                                "outbox row " + rows.get(i).id() + " was not acked by stream " + stream + ": " + cause,
                                cause);
                    }
                }
            }
            Instant now = Instant.now();
            mark(acked, now);
            published += acked.size();
            metrics.published(acked.size());
            if (failure != null) {
                throw failure;
            }
            if (rows.size() < settings.batch()) {
                return published;
            }
        }
    }

    /** The number of unpublished rows, also set as the pending gauge. */
    public long pending() {
        long pending =
                jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM secmaster_outbox WHERE published_at IS NULL")
                        .mapTo(Long.class)
                        .one());
        metrics.pending(pending);
        return pending;
    }

    private CompletableFuture<PublishAck> publish(JetStream js, Row row) {
        String id = Long.toString(row.id());
        Headers headers = new Headers().put(SecmasterSubjects.OUTBOX_ID, id);
        PublishOptions options =
                PublishOptions.builder().messageId(id).expectedStream(stream).build();
        try {
            return js.publishAsync(
                    SecmasterSubjects.subject(env, row.feed(), row.event(), row.instrument()),
                    headers,
                    row.payload().getBytes(StandardCharsets.UTF_8),
                    options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void mark(List<Long> ids, Instant at) {
        for (int from = 0; from < ids.size(); from += MARK_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + MARK_CHUNK));
            jdbi.useHandle(h -> h.createUpdate("UPDATE secmaster_outbox SET published_at = :at"
                            + " WHERE id IN (<ids>) AND published_at IS NULL")
                    .bind("at", at)
                    .bindList("ids", chunk)
                    .execute());
        }
    }

    private int markAt(Map<Long, Instant> found) {
        if (found.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> {
            PreparedBatch batch = h.prepareBatch(
                    "UPDATE secmaster_outbox SET published_at = :at WHERE id = :id AND published_at IS NULL");
            found.forEach((id, at) -> batch.bind("id", id).bind("at", at).add());
            int marked = 0;
            for (int n : batch.execute()) {
                marked += n;
            }
            return marked;
        });
    }
}
