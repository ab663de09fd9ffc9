package io.ssmd.core.meta;

import java.time.Instant;

/**
 * A {@code markets} row: the market as last synced, its row id and when the security master first saw it, last
 * changed a tracked field of it, and last saw it in a sync.
 */
public record Market(long id, MarketRecord market, Instant createdAt, Instant updatedAt, Instant lastSeenAt) {

    public String feed() {
        return market.feed();
    }

    public String instrument() {
        return market.instrument();
    }

    public String status() {
        return market.status();
    }
}
