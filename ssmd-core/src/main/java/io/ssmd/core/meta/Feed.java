package io.ssmd.core.meta;

import java.time.Instant;
import java.util.Optional;

/**
 * A registered feed.
 *
 * @param status {@code active} or {@code disabled}
 */
public record Feed(String name, String venue, String status, Instant createdAt, Optional<Instant> disabledAt) {

    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";

    /** A feed with the version in effect at the instant asked for, if any. */
    public record WithVersion(Feed feed, Optional<FeedVersion> version) {}
}
