package io.ssmd.core.meta;

import java.time.Instant;

/** A {@code market_history} row: one field of one market, its text before and after (null = no value). */
public record MarketChange(
        long id, String feed, String instrument, String field, String oldValue, String newValue, Instant changedAt) {}
