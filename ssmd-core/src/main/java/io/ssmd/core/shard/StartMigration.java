package io.ssmd.core.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * The versions of {@link FeedShard.Start} as it crosses nodes (Jackson CBOR, registered in {@code ssmd-pekko.conf}):
 * version 1 carried instrument ids only; version 2 adds each instrument's security-master attributes. A version-1
 * message (from a node of the older build during a rolling upgrade) reads as a start without attributes, whose
 * Kalshi shard falls back to its node's category lookup.
 */
public final class StartMigration extends JacksonMigration {

    /** The version this build writes. */
    public static final int VERSION = 2;

    @Override
    public int currentVersion() {
        return VERSION;
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        if (fromVersion < 2 && json instanceof ObjectNode start && !start.has("attributes")) {
            start.putObject("attributes");
        }
        return json;
    }
}
