package io.ssmd.feeds.replay;

import java.time.Duration;

/**
 * What a venue session knows of its server.
 *
 * @param id           the session's number on this server, from 1
 * @param settings     the server's settings (mode, seed, instruments, rates)
 * @param faults       the server's faults; venue-specific ones (skip a seq, wrong checksum, reject a subscription,
 *                     ignore pings) are the session's to apply
 * @param tickInterval how often {@link VenueSession#onTick} runs
 */
public record SessionContext(long id, ReplaySettings settings, Faults faults, Duration tickInterval) {

    /** A seed for this session's synthetic data: the same server seed and session number give the same frames. */
    public long seed() {
        return settings.seed() * 1_000_003L + id;
    }
}
