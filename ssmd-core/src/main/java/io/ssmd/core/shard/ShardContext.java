package io.ssmd.core.shard;

import io.ssmd.core.subject.Subjects;
import java.util.List;
import java.util.Map;

/**
 * Who a decoder decodes for: the environment, feed and shard that subjects are built from, and the shard's
 * instruments with their subject tokens.
 *
 * @param tokens true instrument id → subject token, for every instrument of the shard
 * @param attributes instrument → its security-master attributes from the assignment ({@link FeedShard.Start}); an
 *                   instrument without any is absent
 */
public record ShardContext(
        String env,
        String feed,
        String shard,
        List<String> instruments,
        Map<String, String> tokens,
        Map<String, Map<String, String>> attributes) {

    public ShardContext {
        instruments = List.copyOf(instruments);
        tokens = Map.copyOf(tokens);
        attributes = Map.copyOf(attributes);
    }

    /** A context without attributes. */
    public ShardContext(String env, String feed, String shard, List<String> instruments, Map<String, String> tokens) {
        this(env, feed, shard, instruments, tokens, Map.of());
    }

    /** One attribute of an instrument ({@link FeedShard.Start#CATEGORY}, ...), null when the assignment has none. */
    public String attribute(String instrument, String name) {
        Map<String, String> of = attributes.get(instrument);
        return of == null ? null : of.get(name);
    }

    /** A shard context whose tokens are computed from its instruments (a collision throws). */
    public static ShardContext of(String env, String feed, String shard, List<String> instruments) {
        return new ShardContext(env, feed, shard, instruments, Subjects.tokens(feed, instruments));
    }

    /**
     * {@code {env}.{feed}.json.{type}.{token}}; an instrument outside the shard (a venue may send one) still gets
     * a sanitized token.
     */
    public String marketData(String type, String instrument) {
        return Subjects.marketData(env, feed, type, tokens.getOrDefault(instrument, Subjects.token(instrument)));
    }

    /** Venue frames about no single instrument: status, acks, errors. */
    public String system() {
        return Subjects.system(env, feed, shard);
    }

    /** Frames that could not be parsed or were too large to route. */
    public String unparsed() {
        return Subjects.unparsed(env, feed, shard);
    }
}
