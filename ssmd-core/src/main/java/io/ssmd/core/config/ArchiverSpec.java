package io.ssmd.core.config;

import java.util.List;

/**
 * One archiver: a name, the streams it consumes (each a stream of the environment), and where it writes.
 *
 * @param sources the streams, resolved ({@code all} expanded), none shared with another archiver
 * @param storage the environment's {@code storage} with this archiver's own root, format and rotation applied
 */
public record ArchiverSpec(String name, List<ArchiveSource> sources, StorageSettings storage) {

    public ArchiverSpec {
        sources = List.copyOf(sources);
    }

    /** The stream names, in order. */
    public List<String> streams() {
        return sources.stream().map(ArchiveSource::stream).toList();
    }
}
