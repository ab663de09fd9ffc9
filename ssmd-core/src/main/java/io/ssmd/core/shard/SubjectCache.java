package io.ssmd.core.shard;

import java.util.HashMap;
import java.util.Map;

/**
 * Subjects a decoder has built, by message type and key (an instrument, a market), so that a frame's routing is two
 * map lookups rather than a string concatenation and a token scan per frame. One per decoder, used from its decoding
 * stage only (no locks).
 *
 * <p>Bounded: a venue may name instruments the shard never asked for (Polymarket's {@code new_market} names every new
 * market), so once {@code capacity} subjects are held the cache starts over rather than grow with them.
 */
public final class SubjectCache {

    private final Map<String, Map<String, String>> byType = new HashMap<>();
    private final int capacity;
    private int size;

    /** A cache of at most {@code capacity} subjects. */
    public SubjectCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** A cache sized for a shard: room for each instrument's subjects of a few types, and for strays. */
    public static SubjectCache forShard(ShardContext shard) {
        return new SubjectCache(Math.max(1024, 8 * shard.instruments().size()));
    }

    /** The subject cached for this type and key, or null. */
    public String get(String type, String key) {
        Map<String, String> subjects = byType.get(type);
        return subjects == null ? null : subjects.get(key);
    }

    /** Caches a subject and answers it. */
    public String put(String type, String key, String subject) {
        if (size >= capacity) {
            clear();
        }
        if (byType.computeIfAbsent(type, t -> new HashMap<>()).put(key, subject) == null) {
            size++;
        }
        return subject;
    }

    /** {@link ShardContext#marketData}, built once per type and instrument. */
    public String marketData(ShardContext shard, String type, String instrument) {
        String subject = get(type, instrument);
        return subject != null ? subject : put(type, instrument, shard.marketData(type, instrument));
    }

    /** Forgets every subject: the shard's context (tokens, categories) changed. */
    public void clear() {
        byType.clear();
        size = 0;
    }

    /** Subjects held now (tests). */
    public int size() {
        return size;
    }
}
