package io.ssmd.core.meta;

import java.util.Arrays;
import java.util.Optional;

/**
 * The quality issues the archiver counts per feed, stream and UTC day (docs/inventory.md, "Quality issues"), each
 * with its severity: {@code error} when data is missing or unusable, {@code warning} when data is all there but
 * suspect, {@code info} when the venue told us of a repair.
 */
public enum QualityIssueType {
    /** The same venue trade id (per instrument) or the same message id ({@code Nats-Msg-Id}) twice. */
    DUPLICATE("duplicate", Severity.WARNING),
    /** A venue sequence going back on one connection and channel, or a venue time going back per instrument. */
    OUT_OF_ORDER("out_of_order", Severity.WARNING),
    /** A market-data message of a known type without a field the normalized model needs. */
    MISSING_FIELD("missing_field", Severity.ERROR),
    /** A frame on the unparsed subject: not JSON, of no known shape, or too large to route. */
    PARSE_ERROR("parse_error", Severity.ERROR),
    /** A venue time ahead of the receive time by more than the limit, or far behind it. */
    CLOCK_SKEW("clock_skew", Severity.WARNING),
    /** A {@code resync} control event: a shard found its book wrong and fetched it again. */
    BOOK_RESYNC("book_resync", Severity.INFO),
    /**
     * An {@code instrument_quiet} control event: one instrument's channel sent nothing for its quiet time while its
     * siblings on the connection streamed, and the shard resubscribed it (docs/operations.md).
     */
    INSTRUMENT_QUIET("instrument_quiet", Severity.WARNING);

    /** How bad an issue is. */
    public enum Severity {
        ERROR,
        WARNING,
        INFO;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String id;
    private final Severity severity;

    QualityIssueType(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
    }

    /** The name stored in {@code data_quality_issues.issue_type}. */
    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    public static Optional<QualityIssueType> of(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
