package io.ssmd.node;

import io.ssmd.archive.ArchiveInventory;
import io.ssmd.archive.Gap;
import io.ssmd.archive.ManifestStore;
import io.ssmd.core.config.Environment;
import io.ssmd.http.RecentGaps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code /v1/gaps} on a node that archives: the gaps its archivers' manifests record for this environment over the last
 * {@value #LOOKBACK_DAYS} days (UTC), newest first. A gap reaches a manifest when the segment that holds it commits,
 * so the newest gaps show up at the end of their rotation window. Manifests are read on the blocking dispatcher.
 */
final class ArchiveGaps implements RecentGaps {

    /** How far back a request looks: the dashboard wants recent holes, and older days would cost a directory walk. */
    static final int LOOKBACK_DAYS = 7;

    private static final Comparator<ArchiveGap> NEWEST_FIRST =
            Comparator.comparingLong(ArchiveGaps::time).reversed();

    private final String environment;
    private final List<Path> roots;
    private final Executor blocking;
    private final Clock clock;

    ArchiveGaps(String environment, List<Path> roots, Executor blocking, Clock clock) {
        this.environment = environment;
        this.roots = List.copyOf(roots);
        this.blocking = blocking;
        this.clock = clock;
    }

    /** The gap log of the archivers {@code environment} runs on this node, or empty when it runs none. */
    static Optional<RecentGaps> forNode(Environment environment, boolean archiverRole, Executor blocking) {
        if (!archiverRole || environment.archivers().isEmpty()) {
            return Optional.empty();
        }
        Set<Path> roots = new LinkedHashSet<>();
        environment.archivers().forEach(archiver -> roots.add(archiver.storage().archiveRoot()));
        return Optional.of(new ArchiveGaps(environment.name(), List.copyOf(roots), blocking, Clock.systemUTC()));
    }

    @Override
    public CompletionStage<List<ArchiveGap>> latest(int limit) {
        return CompletableFuture.supplyAsync(() -> read(limit), blocking);
    }

    List<ArchiveGap> read(int limit) {
        LocalDate from = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(LOOKBACK_DAYS - 1);
        List<ArchiveGap> gaps = new ArrayList<>();
        try {
            for (Path root : roots) {
                // An archiver that has not written yet has no root to list: that is no gap, not an error.
                if (!Files.isDirectory(root)) {
                    continue;
                }
                List<Path> dirs = ArchiveInventory.dateDirsOf(root);
                long now = clock.instant().getEpochSecond() * 1_000_000L
                        + clock.instant().getNano() / 1000;
                for (ArchiveInventory.Day day :
                        ArchiveInventory.days(root, Optional.empty(), Optional.of(from), Optional.empty())) {
                    if (day.env().equals(environment)) {
                        boolean newest = ArchiveInventory.newest(dirs, dirs.indexOf(day.dir()));
                        ManifestStore.read(day.dir())
                                .ifPresent(m ->
                                        ArchiveInventory.gapsOf(m, newest, now).forEach(g -> gaps.add(view(day, g))));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the archive's manifests: " + e.getMessage(), e);
        }
        gaps.sort(NEWEST_FIRST);
        return gaps.subList(0, Math.min(limit, gaps.size()));
    }

    private static ArchiveGap view(ArchiveInventory.Day day, Gap g) {
        return new ArchiveGap(
                day.feed(),
                day.stream(),
                g.type(),
                g.fromSeq(),
                g.toSeq(),
                g.start(),
                g.end(),
                g.shard(),
                g.reason(),
                g.instruments(),
                g.file());
    }

    private static long time(ArchiveGap gap) {
        return gap.start() != null ? gap.start() : gap.end() != null ? gap.end() : Long.MIN_VALUE;
    }
}
