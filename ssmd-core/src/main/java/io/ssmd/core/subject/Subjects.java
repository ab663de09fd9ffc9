package io.ssmd.core.subject;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds every NATS subject and stream name ssmd uses (DESIGN §4), so the layout lives in one place.
 *
 * <p>A token is an id made safe for a NATS subject: {@code [A-Za-z0-9_-]} are kept, {@code /} becomes {@code -},
 * {@code .} becomes {@code _} and anything else {@code _}. The mapping is lossy ({@code A.B} and {@code A_B} meet),
 * so a feed's instruments go through {@link #tokens(String, Collection)}, which rejects collisions; the message
 * itself always keeps the true id.
 */
public final class Subjects {

    /** Events that go on {@code {env}.{feed}.control.{event}.{shard}}. */
    public static final List<String> CONTROL_EVENTS = List.of(
            "connected",
            "disconnected",
            "resync",
            "publish_failed",
            "backpressure",
            "instrument_quiet",
            "handover",
            "alive");

    /** Category token for Kalshi markets whose series has no category. */
    public static final String UNCATEGORIZED = "uncategorized";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private Subjects() {}

    /** The NATS-safe token of an instrument id: {@code BTC/USD} → {@code BTC-USD}, {@code T1819.99} → {@code T1819_99}. */
    public static String token(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("an instrument id must not be empty");
        }
        StringBuilder token = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                token.append(c);
            } else if (c == '/') {
                token.append('-');
            } else {
                token.append('_');
            }
        }
        return token.toString();
    }

    /** A Kalshi category as a subject token: lower case, sanitized; blank or missing → {@value #UNCATEGORIZED}. */
    public static String category(String category) {
        if (category == null || category.isBlank()) {
            return UNCATEGORIZED;
        }
        return token(category.trim().toLowerCase(Locale.ROOT).replace(' ', '_'));
    }

    /**
     * Tokens for a feed's instruments, in the given order, keyed by true id.
     *
     * @throws TokenCollisionException when two distinct ids map to one token
     */
    public static Map<String, String> tokens(String feed, Collection<String> ids) {
        Map<String, String> byId = new LinkedHashMap<>();
        Map<String, String> byToken = new LinkedHashMap<>();
        for (String id : ids) {
            String token = token(id);
            String other = byToken.putIfAbsent(token, id);
            if (other != null && !other.equals(id)) {
                throw new TokenCollisionException(feed, other, id, token);
            }
            byId.put(id, token);
        }
        return byId;
    }

    /** Whether a name may be used as an environment or feed token ({@code [a-z0-9][a-z0-9_-]*}). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** {@code {env}.{feed}.json.{type}.{token}}. */
    public static String marketData(String env, String feed, String type, String token) {
        return env + '.' + feed + ".json." + type + '.' + token;
    }

    /** Kalshi's form, with the category: {@code {env}.{feed}.{category}.json.{type}.{token}}. */
    public static String marketData(String env, String feed, String category, String type, String token) {
        return env + '.' + feed + '.' + category + ".json." + type + '.' + token;
    }

    /** Venue frames about no single instrument (status, acks, errors). */
    public static String system(String env, String feed, String shard) {
        return env + '.' + feed + ".json.system." + shard;
    }

    /** Frames that could not be parsed or were too large to route; kept so the archive still has them. */
    public static String unparsed(String env, String feed, String shard) {
        return env + '.' + feed + ".json.unparsed." + shard;
    }

    /** {@code {env}.{feed}.control.{event}.{shard}}. */
    public static String control(String env, String feed, String event, String shard) {
        return env + '.' + feed + ".control." + event + '.' + shard;
    }

    /** ssmd's own validated book snapshots for late joiners. */
    public static String book(String env, String feed, String token) {
        return env + '.' + feed + ".ssmd.book." + token;
    }

    /** Shard names are {@code {feed}-{n}}, which is also their token. */
    public static String shard(String feed, int n) {
        return feed + '-' + n;
    }

    /** {@code {ENV}_{FEED}}: upper case, {@code -} → {@code _}. */
    public static String streamName(String env, String feed) {
        return (env + '_' + feed).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The subjects of a feed's stream: everything under {@code {env}.{feed}}. */
    public static String streamSubjects(String env, String feed) {
        return env + '.' + feed + ".>";
    }

    /**
     * Patterns of every subject a connector of this feed can publish, with {@code *} where a token varies. Startup
     * checks that each is covered by exactly one stream.
     */
    public static List<String> publishable(String env, String feed, Venue venue) {
        // json.*.* holds system and unparsed frames for every venue, and market data for uncategorized ones.
        String json = env + '.' + feed + ".json.*.*";
        String control = control(env, feed, "*", "*");
        String book = book(env, feed, "*");
        return venue.categorized()
                ? List.of(env + '.' + feed + ".*.json.*.*", json, control, book)
                : List.of(json, control, book);
    }
}
