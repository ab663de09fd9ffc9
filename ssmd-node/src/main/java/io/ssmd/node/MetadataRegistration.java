package io.ssmd.node;

import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.FeedRegistry;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.SchemaRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node records in the registries at startup (issue 14): the feed files of its environment's feeds (a new
 * {@code feed_version} only where content changed) and the schema catalog this build writes. Blocking (JDBC): the node
 * runs it on its blocking dispatcher right after the database opens.
 */
final class MetadataRegistration {

    private static final Logger log = LoggerFactory.getLogger(MetadataRegistration.class);

    /**
     * @param feeds   one line per feed registered, as the log shows it
     * @param schemas how many schema versions were newly recorded
     */
    record Outcome(List<String> feeds, int schemas) {}

    private MetadataRegistration() {}

    static Outcome register(Database db, Environment environment) {
        Metadata metadata = Metadata.of(db);
        FeedRegistry feeds = new FeedRegistry(metadata);
        Instant now = Instant.now();
        List<String> lines = new ArrayList<>();
        for (EnabledFeed feed : environment.feeds()) {
            FeedRegistry.Registration r = feeds.register(feed.definition(), now);
            lines.add(feed.name() + " v" + r.version() + (r.recorded() ? " (recorded now)" : " (unchanged)"));
            if (feeds.feed(feed.name()).status().equals(io.ssmd.core.meta.Feed.DISABLED)) {
                log.warn(
                        "feed {} is enabled in environment {} but disabled in the feed registry; `ssmd feed enable {}`"
                                + " marks it active again",
                        feed.name(),
                        environment.name(),
                        feed.name());
            }
        }
        int schemas = new SchemaRegistry(metadata).registerAll(ShippedSchemas.definitions());
        log.info(
                "registries: feeds {}; {} schema versions recorded now",
                lines.isEmpty() ? "none" : String.join(", ", lines),
                schemas);
        return new Outcome(lines, schemas);
    }
}
