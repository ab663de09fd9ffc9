package io.ssmd.core.config;

import java.util.List;

/**
 * One archiver: a name and the streams it consumes, each a stream of the environment.
 *
 * @param streams stream names, resolved ({@code all} expanded), none shared with another archiver
 */
public record ArchiverSpec(String name, List<String> streams) {

    public ArchiverSpec {
        streams = List.copyOf(streams);
    }
}
