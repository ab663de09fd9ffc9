package io.ssmd.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * The version of a message that crosses nodes ({@link CborSerializable}) and has not changed shape since it was
 * written: version 1, named in {@code pekko.serialization.jackson.migrations} (ssmd-pekko.conf) so that every such
 * message is sent with its version ({@code #1} in the manifest). A node of the build before, which knew no versions,
 * reads {@code #1} as its own format.
 *
 * <p>A node of this build reads version 2 too ({@link #supportedForwardVersion}): during a rolling update the nodes
 * not yet updated read the updated nodes' messages, provided version 2 only adds fields (Jackson ignores fields it
 * does not know). A change that renames or removes a field gives the type a migration of its own (as
 * {@code io.ssmd.core.shard.StartMigration} for {@code FeedShard.Start}) that reads the versions before.
 */
public final class FirstVersion extends JacksonMigration {

    @Override
    public int currentVersion() {
        return 1;
    }

    @Override
    public int supportedForwardVersion() {
        return 2;
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        return json;
    }
}
