package io.ssmd.http;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where {@code GET /v1/gaps} reads the archive's gap log. ssmd-http does not know the archive: the node wires an
 * implementation that reads the archivers' manifests. Reading must not block the caller.
 */
public interface RecentGaps {

    /** At most {@code limit} gaps, newest first (by start time, else end time). */
    CompletionStage<List<ArchiveGap>> latest(int limit);

    /**
     * One typed hole in the archive, as a manifest records it (DESIGN §6).
     *
     * @param feed        the feed whose stream has the hole
     * @param stream      the JetStream stream
     * @param type        {@code bus_gap}, {@code retention_loss}, {@code connection_lost}, {@code publish_failed} or
     *                    {@code book_resync}
     * @param fromSeq     first missing (or control) stream sequence, or null
     * @param toSeq       last missing (or control) stream sequence, or null
     * @param start       epoch µs where the hole starts, or null
     * @param end         epoch µs where it ends, or null
     * @param shard       the shard that announced it, or null for bus gaps
     * @param reason      why, as recorded, or null
     * @param instruments the instruments concerned (empty when not recorded)
     * @param file        the segment file that holds the message after the hole
     */
    record ArchiveGap(
            String feed,
            String stream,
            String type,
            Long fromSeq,
            Long toSeq,
            Long start,
            Long end,
            String shard,
            String reason,
            List<String> instruments,
            String file) {

        public ArchiveGap {
            instruments = instruments == null ? List.of() : List.copyOf(instruments);
        }
    }
}
