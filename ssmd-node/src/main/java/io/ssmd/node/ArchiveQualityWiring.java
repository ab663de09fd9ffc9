package io.ssmd.node;

import io.ssmd.archive.ArchiveQuality;
import io.ssmd.archive.QualityRecorder;
import io.ssmd.archive.QualitySettings;
import io.ssmd.core.config.EnabledFeed;
import io.ssmd.core.config.Environment;
import io.ssmd.core.db.Database;
import io.ssmd.core.meta.Metadata;
import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.meta.QualityProbe;
import io.ssmd.feeds.Venues;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The archiver's quality checks as a node runs them (docs/inventory.md): each feed's probe from its venue module, the
 * counts written to the node's database on the blocking dispatcher.
 */
final class ArchiveQualityWiring {

    private ArchiveQualityWiring() {}

    static ArchiveQuality forNode(ActorSystem<?> system, Environment environment, Database db, Executor blocking) {
        QualitySettings settings = QualitySettings.create(system.settings().config());
        Map<String, QualityProbe> probes = environment.feeds().stream()
                .collect(Collectors.toMap(
                        EnabledFeed::name, f -> Venues.of(f.venue()).qualityProbe(), (a, b) -> a));
        Function<String, QualityProbe> byFeed = feed -> probes.getOrDefault(feed, QualityProbe.NONE);
        return new ArchiveQuality(
                byFeed, settings, new QualityRecorder(new QualityIssues(Metadata.of(db)), settings, blocking));
    }
}
