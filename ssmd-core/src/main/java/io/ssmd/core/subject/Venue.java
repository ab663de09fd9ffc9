package io.ssmd.core.subject;

import java.util.Arrays;
import java.util.Optional;

/**
 * The venues ssmd speaks. A feed is a configured instance of a venue; usually the feed carries the venue's id as its
 * name, but two feeds of one venue (prod and demo Kalshi) are allowed under different names.
 */
public enum Venue {
    KALSHI("kalshi", true),
    KRAKEN("kraken", false),
    KRAKEN_FUTURES("kraken-futures", false),
    POLYMARKET("polymarket", false);

    private final String id;
    private final boolean categorized;

    Venue(String id, boolean categorized) {
        this.id = id;
        this.categorized = categorized;
    }

    /** The id used in feed files ({@code venue: kraken-futures}). */
    public String id() {
        return id;
    }

    /** Whether market-data subjects carry a category token before {@code json} (Kalshi does). */
    public boolean categorized() {
        return categorized;
    }

    public static Optional<Venue> byId(String id) {
        return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst();
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(Venue::id).toList());
    }
}
