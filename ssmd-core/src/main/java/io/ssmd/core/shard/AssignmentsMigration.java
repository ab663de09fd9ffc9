package io.ssmd.core.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * The versions of {@link FeedAssignments}' events and snapshots in the journal (Jackson CBOR, registered in
 * {@code ssmd-pekko.conf}), whose shards are {@link FeedShard.Start}s. A migration of the start alone would not apply:
 * Jackson migrates the journal's top-level class, not what it nests.
 *
 * <ul>
 *   <li>Version 1: an event held one shard ({@code start}), as {@link FeedShard.Start}'s version 1 wrote it:
 *       instrument ids only ({@link StartMigration}).</li>
 *   <li>Version 2: an event holds every shard one change of the manager touched ({@code shards}), each with its
 *       instruments' security-master attributes. A version-1 event reads as a list of its one shard, without
 *       attributes, as a version-1 start does.</li>
 * </ul>
 *
 * <p>No released build wrote version 1 to a journal: it is the shape of the first assignments of the wire protocol,
 * kept readable (and tested with a fixture of it) so that the next change of these events has its pattern here.
 */
public final class AssignmentsMigration extends JacksonMigration {

    /** The version this build writes. */
    public static final int VERSION = 2;

    @Override
    public int currentVersion() {
        return VERSION;
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        if (fromVersion < 2 && json instanceof ObjectNode event) {
            if (!event.has("shards") && event.has("start")) {
                event.putArray("shards").add(event.remove("start"));
            }
            for (JsonNode shard : event.path("shards")) {
                if (shard instanceof ObjectNode start && !start.has("attributes")) {
                    start.putObject("attributes");
                }
            }
        }
        return json;
    }
}
