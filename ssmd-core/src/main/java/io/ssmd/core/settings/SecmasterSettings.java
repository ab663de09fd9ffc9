package io.ssmd.core.settings;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code ssmd.secmaster}: how the venues' syncs of the security master read their REST APIs.
 *
 * @param closedWithin    a sync stores open markets and those closed within this long
 * @param requestAttempts tries per request (network error, 5xx, 429) before a sync fails
 * @param retryBackoff    the first wait before a retry, doubled each try with jitter; a 429's Retry-After wins
 * @param requestSpacing  the pause between two requests of one sync
 * @param pageLimit       items per page where the venue pages
 */
public record SecmasterSettings(
        Duration closedWithin, int requestAttempts, Duration retryBackoff, Duration requestSpacing, int pageLimit) {

    public SecmasterSettings {
        if (closedWithin.isNegative()) {
            throw new IllegalArgumentException("ssmd.secmaster.closed-within must be 0 or more, got " + closedWithin);
        }
        if (requestAttempts < 1) {
            throw new IllegalArgumentException(
                    "ssmd.secmaster.request-attempts must be 1 or more, got " + requestAttempts);
        }
        if (retryBackoff.isNegative() || requestSpacing.isNegative()) {
            throw new IllegalArgumentException("ssmd.secmaster.retry-backoff and request-spacing must be 0 or more");
        }
        if (pageLimit < 1 || pageLimit > 1000) {
            throw new IllegalArgumentException("ssmd.secmaster.page-limit must be 1 to 1000, got " + pageLimit);
        }
    }

    /** Reads {@code ssmd.secmaster} from a resolved config. */
    public static SecmasterSettings create(Config config) {
        Config c = config.getConfig("ssmd.secmaster");
        return new SecmasterSettings(
                c.getDuration("closed-within"),
                c.getInt("request-attempts"),
                c.getDuration("retry-backoff"),
                c.getDuration("request-spacing"),
                c.getInt("page-limit"));
    }

    /** The defaults of reference.conf. */
    public static SecmasterSettings defaults() {
        return new SecmasterSettings(Duration.ofDays(7), 6, Duration.ofMillis(500), Duration.ofMillis(100), 200);
    }

    public SecmasterSettings withClosedWithin(Duration d) {
        return new SecmasterSettings(d, requestAttempts, retryBackoff, requestSpacing, pageLimit);
    }

    public SecmasterSettings withRetry(int attempts, Duration backoff, Duration spacing) {
        return new SecmasterSettings(closedWithin, attempts, backoff, spacing, pageLimit);
    }

    public SecmasterSettings withPageLimit(int limit) {
        return new SecmasterSettings(closedWithin, requestAttempts, retryBackoff, requestSpacing, limit);
    }
}
