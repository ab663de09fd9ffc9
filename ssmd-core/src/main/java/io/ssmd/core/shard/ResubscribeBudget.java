package io.ssmd.core.shard;

import io.ssmd.core.config.FeedDefinition;
import io.ssmd.core.config.Units;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How often one shard may resubscribe quiet instruments ({@link InstrumentLiveness}): each instrument's channel at
 * most once per {@code resubscribe-interval}, and the shard at most {@code resubscribes-per-minute} in any minute, so
 * a venue that leaves many instruments silent is not flooded with requests. One per shard, kept across its
 * connections. Thread-safe (a connection's stream takes from it; a new connection's may start as the old one ends).
 */
final class ResubscribeBudget {

    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final FeedDefinition.Liveness settings;
    private final Map<String, Long> lastByInstrument = new HashMap<>();
    private final ArrayDeque<Long> lastMinute = new ArrayDeque<>();

    ResubscribeBudget(FeedDefinition.Liveness settings) {
        this.settings = settings;
    }

    /**
     * Takes one resubscribe of {@code instrument}'s {@code channel} at {@code nowNanos}; empty when taken, else why
     * not (for the event's reason).
     */
    synchronized Optional<String> take(String instrument, String channel, long nowNanos) {
        String key = instrument + '\n' + channel;
        Long last = lastByInstrument.get(key);
        if (last != null && nowNanos - last < settings.resubscribeInterval().toNanos()) {
            return Optional.of("resubscribed " + Units.format(java.time.Duration.ofNanos(nowNanos - last))
                    + " ago; at most once per " + Units.format(settings.resubscribeInterval())
                    + " (liveness.resubscribe-interval)");
        }
        while (!lastMinute.isEmpty() && nowNanos - lastMinute.peekFirst() >= MINUTE_NANOS) {
            lastMinute.pollFirst();
        }
        if (lastMinute.size() >= settings.resubscribesPerMinute()) {
            return Optional.of("the shard resubscribed " + lastMinute.size()
                    + " instruments in the last minute (liveness.resubscribes-per-minute)");
        }
        lastMinute.addLast(nowNanos);
        lastByInstrument.put(key, nowNanos);
        return Optional.empty();
    }
}
