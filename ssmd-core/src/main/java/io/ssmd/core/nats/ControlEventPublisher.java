package io.ssmd.core.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.ssmd.core.Backoff;
import io.ssmd.core.metrics.ConnectorMetrics;
import io.ssmd.core.subject.Subjects;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes control events to JetStream, in the order they were raised, without ever blocking the caller (DESIGN §4).
 *
 * <p>Events wait in a bounded local queue. One is in flight at a time, which keeps the order; it leaves the queue only
 * when JetStream acks it. While NATS is unreachable nothing is sent: the queue is drained again when the connection
 * reports {@code RECONNECTED}/{@code RESUBSCRIBED}, and a timer retries as well in case an event is missed. Every
 * event keeps its original {@code ts}. A retry carries the same {@code Nats-Msg-Id}, so an event whose ack was lost
 * is still stored once.
 *
 * <p>When the queue is full the oldest event is dropped, counted in {@code ssmd_connector_control_dropped_total} and
 * logged: losing the start of a long outage's story is better than refusing its end.
 */
public final class ControlEventPublisher implements AutoCloseable {

    /** The longest wait between retries while NATS stays away. */
    private static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ControlEventPublisher.class);

    private final Connection connection;
    private final JetStream jetStream;
    private final String env;
    private final PublisherSettings settings;
    private final Backoff retryDelays;
    private final ConnectorMetrics metrics;
    private final ConnectionListener reconnectListener = this::onConnectionEvent;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /* Guarded by this. */
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean retryScheduled;
    private int failuresInARow;
    private boolean closed;

    private ControlEventPublisher(
            Connection connection, String env, PublisherSettings settings, ConnectorMetrics metrics)
            throws IOException {
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.env = env;
        this.settings = settings;
        // The publisher's doubling, held to MAX_RETRY_WAIT so events go out soon after NATS is back.
        Duration first =
                settings.retryBackoff().compareTo(MAX_RETRY_WAIT) < 0 ? settings.retryBackoff() : MAX_RETRY_WAIT;
        this.retryDelays = new Backoff(first, MAX_RETRY_WAIT, 0);
        this.metrics = metrics;
    }

    /**
     * A publisher for environment {@code env} on {@code connection}; it listens to the connection to learn when NATS
     * is back.
     */
    public static ControlEventPublisher create(
            Connection connection, String env, PublisherSettings settings, ConnectorMetrics metrics) {
        try {
            ControlEventPublisher publisher = new ControlEventPublisher(connection, env, settings, metrics);
            connection.addConnectionListener(publisher.reconnectListener);
            return publisher;
        } catch (IOException e) {
            throw new IllegalStateException("JetStream is not available on this NATS connection", e);
        }
    }

    /** Queues {@code event} for publishing and returns at once. */
    public void raise(ControlEvent event) {
        Queued queued = new Queued(
                event,
                Subjects.control(env, event.feed(), event.event(), event.shard()),
                "control:" + event.shard() + ':' + event.epoch() + ':' + event.event() + ':' + event.ts() + ':'
                        + ids.incrementAndGet());
        Queued lost = null;
        synchronized (this) {
            if (closed) {
                log.warn("control event raised after close, not published: {}", event);
                return;
            }
            if (queue.size() >= settings.controlQueueCapacity()) {
                lost = queue.pollFirst();
            }
            queue.addLast(queued);
        }
        if (lost != null) {
            dropped.incrementAndGet();
            metrics.controlDropped().labelValues(lost.event.feed()).inc();
            log.warn(
                    "control event queue full ({} events) while NATS is unreachable: dropped the oldest, {} {} at {}",
                    settings.controlQueueCapacity(),
                    lost.event.event(),
                    lost.event.shard(),
                    lost.event.ts());
        }
        drain();
    }

    /** Events raised and not yet acked by JetStream. */
    public synchronized int pending() {
        return queue.size();
    }

    /** Events dropped so far because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Waits up to {@code timeout} for the queued events to be acked, so that shutdown announces the shards'
     * {@code disconnected} before the connection closes. Blocks: call it from the blocking dispatcher.
     *
     * @return whether the queue is empty
     */
    public boolean flush(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!queue.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    /** Stops publishing; events still queued are logged as lost. */
    @Override
    public void close() {
        int left;
        synchronized (this) {
            closed = true;
            left = queue.size();
            queue.clear();
        }
        connection.removeConnectionListener(reconnectListener);
        if (left > 0) {
            log.warn("{} control events were still waiting for NATS at close and are lost", left);
        }
    }

    private void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
        if (event == ConnectionListener.Events.RECONNECTED
                || event == ConnectionListener.Events.RESUBSCRIBED
                || event == ConnectionListener.Events.CONNECTED) {
            synchronized (this) {
                failuresInARow = 0;
            }
            drain();
        }
    }

    private void drain() {
        // Read outside the lock: the client takes its own locks to answer.
        boolean connected = connection.getStatus() == Connection.Status.CONNECTED;
        Queued next;
        synchronized (this) {
            if (closed || sending || queue.isEmpty()) {
                return;
            }
            if (!connected) {
                scheduleRetry();
                return;
            }
            next = queue.peekFirst();
            sending = true;
        }
        send(next);
    }

    private void send(Queued queued) {
        Headers headers = new Headers()
                .put(PublishHeaders.MSG_ID, queued.msgId)
                .put(PublishHeaders.RECEIVED_AT, Long.toString(queued.event.ts()))
                .put(PublishHeaders.SHARD, queued.event.shard());
        try {
            jetStream
                    .publishAsync(queued.subject, headers, queued.event.toJson())
                    .orTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((ack, error) -> onResult(queued, ack, error));
        } catch (RuntimeException e) {
            onResult(queued, null, e);
        }
    }

    private void onResult(Queued queued, PublishAck ack, Throwable error) {
        synchronized (this) {
            sending = false;
            if (error == null) {
                failuresInARow = 0;
                if (queue.peekFirst() == queued) {
                    queue.pollFirst();
                }
                if (queue.isEmpty()) {
                    notifyAll();
                }
            } else {
                failuresInARow++;
                scheduleRetry();
            }
        }
        if (error != null) {
            log.debug("control event {} not acked yet, will retry: {}", queued.msgId, error.toString());
            return;
        }
        drain();
    }

    /** Called holding the lock. */
    private void scheduleRetry() {
        if (retryScheduled || closed) {
            return;
        }
        retryScheduled = true;
        long wait = retryDelays.delay(failuresInARow).toMillis();
        PublishTimer.after(Math.max(1, wait), TimeUnit.MILLISECONDS, () -> {
            synchronized (this) {
                retryScheduled = false;
            }
            drain();
        });
    }

    private record Queued(ControlEvent event, String subject, String msgId) {}
}
