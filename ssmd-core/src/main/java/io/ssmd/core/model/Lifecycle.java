package io.ssmd.core.model;

import java.util.Map;

/**
 * A change in a market's life: {@code created}, {@code activated}, {@code deactivated}, {@code determined},
 * {@code settled}, {@code resolved}, {@code new_market}, ... as the venue names it.
 *
 * @param details the venue's other scalar fields, as text (result, close time, ...)
 */
public record Lifecycle(String feed, String instrument, String event, Map<String, String> details, long ts)
        implements MarketEvent {

    public Lifecycle {
        details = Map.copyOf(details);
    }

    @Override
    public String type() {
        return "lifecycle";
    }

    @Override
    public Lifecycle withTs(long newTs) {
        return new Lifecycle(feed, instrument, event, details, newTs);
    }
}
