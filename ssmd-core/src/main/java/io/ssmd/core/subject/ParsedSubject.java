package io.ssmd.core.subject;

import java.util.Optional;

/**
 * A subject read back into its parts: the inverse of {@link Subjects}, so that the archive and the gateway read the
 * layout of DESIGN §4 the same way and it changes in one place.
 *
 * <p>Parsing is strict: a subject is one of the shapes {@link Subjects} builds or it is {@link Kind#OTHER}. Nothing
 * is guessed from a stray {@code json} token in a subject of the wrong length; such a message is still archived, just
 * not counted as market data.
 *
 * @param kind     which of the layouts the subject has
 * @param env      the environment token, empty when the subject has none
 * @param feed     the feed token, empty when the subject has none
 * @param category Kalshi's category token, for categorized market data
 * @param type     the market-data type ({@code trade}, {@code system}, {@code unparsed} …), the control event
 *                 ({@code connected} …) or the ssmd type ({@code book}); empty for {@link Kind#OTHER}
 * @param token    the instrument token (market data, book) or the shard (system, unparsed, control); empty for
 *                 {@link Kind#OTHER}
 */
public record ParsedSubject(Kind kind, String env, String feed, Optional<String> category, String type, String token) {

    /** The subject layouts of DESIGN §4. */
    public enum Kind {
        /** {@code {env}.{feed}[.{category}].json.{type}.{token}}: a venue message about one instrument. */
        MARKET_DATA,
        /** {@code {env}.{feed}.json.system.{shard}}: a venue frame about no single instrument. */
        SYSTEM,
        /** {@code {env}.{feed}.json.unparsed.{shard}}: a frame that could not be parsed or routed. */
        UNPARSED,
        /** {@code {env}.{feed}.control.{event}.{shard}}. */
        CONTROL,
        /** {@code {env}.{feed}.ssmd.book.{token}}: ssmd's own book snapshot. */
        BOOK,
        /** Anything else under a feed's stream; kept, but not read as any of the above. */
        OTHER
    }

    private static final String SYSTEM = "system";
    private static final String UNPARSED = "unparsed";

    /** Reads {@code subject}; never fails: a subject of no known shape is {@link Kind#OTHER}. */
    public static ParsedSubject parse(String subject) {
        String[] t = subject.split("\\.", -1);
        for (String part : t) {
            if (part.isEmpty()) {
                return other(t);
            }
        }
        if (t.length == 5 && t[2].equals("json")) {
            Kind kind = t[3].equals(SYSTEM) ? Kind.SYSTEM : t[3].equals(UNPARSED) ? Kind.UNPARSED : Kind.MARKET_DATA;
            return new ParsedSubject(kind, t[0], t[1], Optional.empty(), t[3], t[4]);
        }
        if (t.length == 6 && t[3].equals("json")) {
            return new ParsedSubject(Kind.MARKET_DATA, t[0], t[1], Optional.of(t[2]), t[4], t[5]);
        }
        if (t.length == 5 && t[2].equals("control")) {
            return new ParsedSubject(Kind.CONTROL, t[0], t[1], Optional.empty(), t[3], t[4]);
        }
        if (t.length == 5 && t[2].equals("ssmd") && t[3].equals("book")) {
            return new ParsedSubject(Kind.BOOK, t[0], t[1], Optional.empty(), t[3], t[4]);
        }
        return other(t);
    }

    private static ParsedSubject other(String[] t) {
        return new ParsedSubject(
                Kind.OTHER, t.length > 1 ? t[0] : "", t.length > 1 ? t[1] : "", Optional.empty(), "", "");
    }

    /** The instrument token of a market-data subject; empty for every other kind. */
    public Optional<String> ticker() {
        return kind == Kind.MARKET_DATA ? Optional.of(token) : Optional.empty();
    }

    /** The event of a control subject; empty for every other kind. */
    public Optional<String> controlEvent() {
        return kind == Kind.CONTROL ? Optional.of(type) : Optional.empty();
    }

    /**
     * What the message counts as in the archive's manifest ({@code records by type}): the market-data type,
     * {@code system}, {@code unparsed}, {@code control}, {@code ssmd.book} or {@code other}.
     */
    public String recordType() {
        return switch (kind) {
            case MARKET_DATA, SYSTEM, UNPARSED -> type;
            case CONTROL -> "control";
            case BOOK -> "ssmd." + type;
            case OTHER -> "other";
        };
    }
}
