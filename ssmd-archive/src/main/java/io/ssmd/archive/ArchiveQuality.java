package io.ssmd.archive;

import io.ssmd.core.meta.QualityIssues;
import io.ssmd.core.meta.QualityProbe;
import java.util.List;
import java.util.function.Function;

/**
 * What the archiver's quality checks need (docs/inventory.md): each feed's {@link QualityProbe}, the settings, and
 * where the counts of each committed segment go.
 *
 * @param probes the probe of a feed, by feed name ({@link QualityProbe#NONE} for a feed of no known venue)
 */
public record ArchiveQuality(Function<String, QualityProbe> probes, QualitySettings settings, Sink sink) {

    /** Where the counts of a committed segment go; must not block (the archive's thread calls it). */
    @FunctionalInterface
    public interface Sink {
        void committed(QualityIssues.Day day, List<QualityIssues.Tally> tallies);
    }

    /** No checks' results kept: an archiver without a database. */
    public static ArchiveQuality none() {
        return new ArchiveQuality(
                feed -> QualityProbe.NONE,
                QualitySettings.create(com.typesafe.config.ConfigFactory.defaultReference()),
                (day, tallies) -> {});
    }
}
