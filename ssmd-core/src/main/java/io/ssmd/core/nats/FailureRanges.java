package io.ssmd.core.nats;

import io.ssmd.core.config.Units;
import io.ssmd.core.subject.ParsedSubject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces a publisher's failed messages into ranges (DESIGN §4): a NATS outage of any length is told by a few
 * {@code publish_failed} events, each with the first and last receive time, the count and the instruments of its
 * messages, and one WARN line each; never one event per message, which would fill the control queue while NATS is
 * away and drop the outage's start.
 *
 * <p>Outcomes are fed in input order, so a range is a run of consecutive failed messages of one shard connection. It
 * closes, and its event is raised, when a message of that shard is acked again, when it is
 * {@link FailureRangeLimits#maxAge()} old or holds {@link FailureRangeLimits#maxMessages()} messages (a long outage
 * still reports as it goes, by default about every 10 s), when the shard's
 * connection epoch changes, and when the publisher's stream ends. Thread-safe: outcomes arrive on the stream, the age
 * check on a timer.
 */
final class FailureRanges {

    private static final Logger log = LoggerFactory.getLogger(FailureRanges.class);

    /** Where the ranges' events go: the shard's {@link ControlEventPublisher}. */
    private final Consumer<ControlEvent> raise;

    private final Duration maxAge;
    private final int maxCount;
    private final int maxInstruments;

    /* Guarded by this. By feed and shard. */
    private final Map<String, Range> open = new HashMap<>();

    FailureRanges(Consumer<ControlEvent> raise) {
        this(raise, FailureRangeLimits.defaults());
    }

    FailureRanges(Consumer<ControlEvent> raise, FailureRangeLimits limits) {
        this.raise = raise;
        this.maxAge = limits.maxAge();
        this.maxCount = limits.maxMessages();
        this.maxInstruments = limits.maxInstruments();
    }

    /** Adds the outcome of the next message: a failure joins its shard's range, an ack closes it. */
    synchronized void outcome(PublishOutcome outcome) {
        // The hot path: an ack with no range open builds no key and looks nothing up.
        if (outcome.acked() && open.isEmpty()) {
            return;
        }
        OutboundMessage message = outcome.message();
        String key = message.feed() + '/' + message.shard();
        Range range = open.get(key);
        if (outcome.acked()) {
            if (range != null) {
                close(range, "publishes acked again");
            }
            return;
        }
        if (range != null && range.epoch != message.epoch()) {
            close(range, "new connection epoch");
            range = null;
        } else if (range != null && range.count >= maxCount) {
            close(range, maxCount + " messages");
            range = null;
        } else if (range != null && range.age().compareTo(maxAge) >= 0) {
            close(range, "open for " + Units.format(maxAge));
            range = null;
        }
        if (range == null) {
            range = new Range(key, message.feed(), message.shard(), message.epoch());
            open.put(key, range);
            closeWhenOld(range);
        }
        range.add(outcome);
    }

    /** Closes every open range: the publisher's stream has ended (stop, hand-off, shutdown, reconnect). */
    synchronized void closeAll(String why) {
        List.copyOf(open.values()).forEach(range -> close(range, why));
    }

    /**
     * A range closes when {@link #maxAge} old even if no further outcome comes (a quiet market while NATS is away, or
     * messages still on their retries): an outage reports as it goes.
     */
    private void closeWhenOld(Range range) {
        PublishTimer.after(maxAge.toMillis(), TimeUnit.MILLISECONDS, () -> {
            synchronized (this) {
                if (open.get(range.key) == range) {
                    close(range, "open for " + Units.format(maxAge));
                }
            }
        });
    }

    /**
     * Called holding the lock, so that ranges are raised in the order they close. {@link ControlEventPublisher#raise}
     * only queues, and never calls back.
     */
    private void close(Range range, String why) {
        open.remove(range.key);
        range.why = why;
        announce(range);
    }

    private void announce(Range range) {
        List<String> instruments =
                range.instruments.stream().limit(maxInstruments).toList();
        String reason = range.count + " messages on " + range.instruments.size() + " instruments not acked after "
                + range.attempts + " attempts, received " + range.first + ".." + range.last + " µs (Nats-Msg-Id "
                + range.firstId + " .. " + range.lastId + "), last error: " + range.lastError + "; range closed: "
                + range.why;
        log.warn("{}: publish_failed: {}", range.shard, reason);
        raise.accept(ControlEvent.publishFailed(
                range.feed,
                range.shard,
                range.epoch,
                EpochMicros.now(),
                reason,
                instruments,
                range.instruments.size(),
                range.first,
                range.last,
                range.count));
    }

    /** One run of failed messages of a shard. */
    private static final class Range {
        final String key;
        final String feed;
        final String shard;
        final long epoch;
        final long openedNanos = System.nanoTime();
        /** Sorted, so the capped list is the same whichever order the failures came in. */
        final TreeSet<String> instruments = new TreeSet<>();

        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long count;
        int attempts;
        String firstId;
        String lastId;
        String lastError;
        String why;

        Range(String key, String feed, String shard, long epoch) {
            this.key = key;
            this.feed = feed;
            this.shard = shard;
            this.epoch = epoch;
        }

        void add(PublishOutcome outcome) {
            OutboundMessage message = outcome.message();
            first = Math.min(first, message.receivedAtMicros());
            last = Math.max(last, message.receivedAtMicros());
            if (count == 0) {
                firstId = message.msgId();
            }
            count++;
            lastId = message.msgId();
            attempts = Math.max(attempts, outcome.attempts());
            lastError = outcome.error();
            // Messages about no single instrument (system, unparsed) count, but name none.
            ParsedSubject.parse(message.subject()).ticker().ifPresent(instruments::add);
        }

        Duration age() {
            return Duration.ofNanos(System.nanoTime() - openedNanos);
        }
    }
}
